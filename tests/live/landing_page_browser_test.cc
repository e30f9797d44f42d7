// The landing page as a browser shows it: headless Chromium (Debian's package) loads it from the
// real binary on 127.0.0.1, dumps the DOM it built and takes a screenshot.
#include <gtest/gtest.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "exporter_process.h"
#include "ipc_objects.h"
#include "posix_objects.h"

namespace ipc_exporter::testing {
namespace {

namespace fs = std::filesystem;

/// A throwaway Chromium profile directory, removed afterwards.
struct ScratchDir {
  fs::path path = fs::temp_directory_path() / ("ipc_chromium_" + std::to_string(::getpid()));
  ScratchDir() { fs::create_directories(path); }
  ~ScratchDir() { fs::remove_all(path); }
};

CommandResult Chromium(const fs::path& profile, const std::vector<std::string>& extra) {
  // Flags that keep a headless Chromium off the network and quiet on a machine without one.
  std::vector<std::string> argv = {"chromium",
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-quic",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--user-data-dir=" + profile.string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return RunCommand(argv, 90);
}

TEST(LandingPageInBrowser, ShowsTheLeakedSegmentAndTheLimits) {
  // A segment whose creator exited: the page must show it under "Needs attention".
  LeakedSegment leaked(65536);
  const int shmid = leaked.id();

  ExporterProcess exporter;
  const std::string url = "http://127.0.0.1:" + std::to_string(exporter.port()) + "/";
  ScratchDir profile;

  CommandResult dom = Chromium(profile.path, {"--dump-dom", url});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  // The browser's own serialisation (it inserts <tbody>), not the HTML as sent.
  EXPECT_NE(dom.out.find("<table id=\"attention\">\n<tbody><tr>"), std::string::npos) << dom.out;
  const std::string row = "<td class=\"failed\">orphaned segment</td><td>0x00000000</td><td>" +
                          std::to_string(shmid) + "</td>";
  EXPECT_NE(dom.out.find(row), std::string::npos) << dom.out;
  EXPECT_NE(dom.out.find("64.0 KiB"), std::string::npos);
  EXPECT_NE(dom.out.find("Shared memory segments (kernel.shmmni)"), std::string::npos);

  const fs::path png = profile.path / "landing.png";
  CommandResult shot =
      Chromium(profile.path, {"--window-size=1200,900", "--screenshot=" + png.string(), url});
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  std::ifstream file(png, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(file)), {});
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // IHDR: big-endian width and height at bytes 16-23.
  auto be32 = [&](size_t at) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
           (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
           static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
  };
  EXPECT_EQ(be32(16), 1200u);
  EXPECT_EQ(be32(20), 900u);
  EXPECT_GT(bytes.size(), 20000u) << "a blank page compresses to far less";
}

/// Occurrences of `what` in `text`.
size_t Count(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

/// The serialised rows of table `id` in a DOM dump, one per line as the page writes them (the
/// folded semaphore table of an array stays inside its array's row).
std::vector<std::string> RowsOf(const std::string& dom, const std::string& id) {
  std::vector<std::string> rows;
  const size_t table = dom.find("<table class=\"objects\" id=\"" + id + "\">");
  if (table == std::string::npos) return rows;
  const size_t end = dom.find("</tbody>\n</table>", table);
  size_t at = dom.find("\n<tr", dom.find("<tbody>", table));
  while (at != std::string::npos && at < end) {
    const size_t next = std::min(dom.find("\n<tr", at + 1), end);
    rows.push_back(dom.substr(at + 1, next - at - 1));
    at = next == end ? std::string::npos : next;
  }
  return rows;
}

/// The rows of `rows` that hold `needle`.
std::vector<std::string> Holding(const std::vector<std::string>& rows, const std::string& needle) {
  std::vector<std::string> found;
  for (const std::string& row : rows) {
    if (row.find(needle) != std::string::npos) found.push_back(row);
  }
  return found;
}

TEST(LandingPageInBrowser, ListsEveryObjectOnceFiltersAndEscapes) {
  TestShm segment(8192, 0640);
  TestSemArray array(3, 0600);
  array.SetAll({4, 5, 6});
  TestMsgQueue queue(0600);
  queue.Send(100);
  queue.Send(100);
  const std::string hostile = "/ipc_page_<script>alert(1)<_script>_" + std::to_string(::getpid());
  TestPosixShm posix(hostile, 12288);

  ExporterProcess exporter;
  const std::string url = "http://127.0.0.1:" + std::to_string(exporter.port()) + "/";
  ScratchDir profile;
  CommandResult dom = Chromium(profile.path, {"--dump-dom", url});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;

  const auto row_of = [&](const char* kind, int id) {
    return Holding(RowsOf(dom.out, kind),
                   "<tr id=\"" + std::string(kind) + "-" + std::to_string(id) + "\"");
  };
  const std::vector<std::string> segments = row_of("shm", segment.id());
  ASSERT_EQ(segments.size(), 1u) << dom.out;
  EXPECT_NE(segments[0].find("<td>0640</td><td data-v=\"8192\">8.0 KiB</td><td>0</td>"),
            std::string::npos)
      << segments[0];  // mode, size, nobody attached
  const std::vector<std::string> arrays = row_of("sem", array.id());
  ASSERT_EQ(arrays.size(), 1u);
  EXPECT_NE(arrays[0].find("<td>3</td><td>0</td><td><button class=\"values\" data-s=\"4,0,"),
            std::string::npos)
      << arrays[0];  // 3 semaphores, nobody waiting, the first one's value
  const std::vector<std::string> queues = row_of("msg", queue.id());
  ASSERT_EQ(queues.size(), 1u);
  EXPECT_NE(queues[0].find("<td>0600</td><td>2</td><td data-v=\"200\">200 B</td>"),
            std::string::npos)
      << queues[0];  // two messages of 100 bytes
  // The hostile name is text in its cell, never markup.
  const std::vector<std::string> objects =
      Holding(RowsOf(dom.out, "posix_shm"), "ipc_page_&lt;script&gt;alert(1)&lt;_script&gt;_");
  ASSERT_EQ(objects.size(), 1u) << dom.out;
  EXPECT_NE(objects[0].find("12.0 KiB"), std::string::npos);
  EXPECT_EQ(Count(dom.out, "<script>"), 1u);  // the page's own

  // A filter from the address: only the matching row stays visible, every other is hidden.
  CommandResult filtered = Chromium(profile.path, {"--dump-dom", url + "#filter=ipc_page_"});
  ASSERT_EQ(filtered.exit_code, 0) << filtered.err;
  const std::vector<std::string> matching = Holding(RowsOf(filtered.out, "posix_shm"), "ipc_page_");
  ASSERT_EQ(matching.size(), 1u);
  EXPECT_EQ(matching[0].substr(0, matching[0].find('>')).find(" hidden"), std::string::npos)
      << matching[0];
  for (const char* table : {"shm", "sem", "msg"}) {
    for (const std::string& row : RowsOf(filtered.out, table)) {
      EXPECT_NE(row.substr(0, row.find('>')).find(" hidden"), std::string::npos) << row;
    }
  }
  EXPECT_EQ(Holding(RowsOf(filtered.out, "shm"), "id=\"shm-" + std::to_string(segment.id())).size(),
            1u);

  // Unfolded (#expand), an array's semaphores are a table the script built from data-s.
  CommandResult expanded = Chromium(profile.path, {"--dump-dom", url + "#expand"});
  ASSERT_EQ(expanded.exit_code, 0) << expanded.err;
  const std::vector<std::string> unfolded =
      Holding(RowsOf(expanded.out, "sem"), "<tr id=\"sem-" + std::to_string(array.id()) + "\"");
  ASSERT_EQ(unfolded.size(), 1u);
  for (int n = 0; n < 3; ++n) {
    EXPECT_NE(unfolded[0].find("<tr><td>" + std::to_string(n) + "</td><td>" +
                               std::to_string(4 + n) + "</td><td>0</td>"),
              std::string::npos)
        << unfolded[0];
  }
  EXPECT_NE(filtered.out.find(" shown</span>"), std::string::npos);
}

}  // namespace
}  // namespace ipc_exporter::testing
