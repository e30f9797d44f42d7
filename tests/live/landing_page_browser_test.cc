// The landing page as a browser shows it: headless Chromium (Debian's package) loads it from the
// real binary on 127.0.0.1, dumps the DOM it built and takes a screenshot.
#include <gtest/gtest.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "exporter_process.h"
#include "ipc_objects.h"

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

}  // namespace
}  // namespace ipc_exporter::testing
