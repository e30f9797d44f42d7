// --ipc.namespaces=all over a fixture proc tree made in a temporary directory (nsfs links are
// plain symbolic links to readlink) and the fake syscall seam, which answers setns as scripted:
// namespaces that vanish or refuse to be joined, and one kept only by a bind mount.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "base/task_pool.h"
#include "exposition.h"
#include "fakes.h"
#include "scrape/scraper.h"

namespace ipc_exporter {
namespace {

namespace fs = std::filesystem;

/// Reports on how it was run: how many threads its slices ran on, and whether it was given a
/// /dev/shm to read.
class ProbeCollector final : public Collector {
 public:
  explicit ProbeCollector(const CollectorContext& context) : context_(context) {}

  void Collect(ExpositionWriter& out, CollectReport&) override {
    std::mutex mutex;
    std::set<std::thread::id> threads;
    ParallelSlices(512, 1, [&](size_t, size_t) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      std::lock_guard<std::mutex> lock(mutex);
      threads.insert(std::this_thread::get_id());
    });
    out.Family("probe_slice_threads", "Threads the slices ran on.");
    out.Sample({}, static_cast<uint64_t>(threads.size()));
    out.Family("probe_dev_shm_given", "1 if a /dev/shm was given.");
    out.Sample({}, uint64_t{context_.settings.dev_shm.empty() ? 0u : 1u});
    out.Family("probe_shm_max_series", "The --collector.shm.max-series it was given.");
    out.Sample({}, context_.settings.shm_max_series);
  }

 private:
  CollectorContext context_;
};

std::unique_ptr<Collector> CreateProbe(const CollectorContext& context) {
  return std::make_unique<ProbeCollector>(context);
}

class NamespaceScrape : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("ipc-exporter-ns-fixture-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    AddProcess("thread-self", 100, "");
    AddProcess("1", 100, "init");
    AddProcess("20", 200, "worker");
    std::ofstream(root_ / "20" / "cgroup")
        << "0::/system.slice/docker-" << std::string(64, 'c') << ".scope\n";
    AddProcess("21", 200, "worker2");  // a second member: pid 20 describes the namespace
    AddProcess("30", 300, "denied");
    AddProcess("40", 400, "leaving");
    fs::create_directories(root_ / "self");
    std::ofstream(root_ / "self" / "mountinfo")
        << "30 22 0:4 ipc:[500] /run/ipcns/kept rw - nsfs nsfs rw\n"
           "31 22 0:4 ipc:[200] /run/ipcns/also-200 rw - nsfs nsfs rw\n";
  }
  void TearDown() override { fs::remove_all(root_); }

  /// /PROC/DIR/ns/ipc naming namespace `inode`, and a stat file when `command` is given.
  void AddProcess(const std::string& dir, uint64_t inode, const std::string& command) {
    fs::create_directories(root_ / dir / "ns");
    fs::create_symlink("ipc:[" + std::to_string(inode) + "]", root_ / dir / "ns" / "ipc");
    if (command.empty()) return;
    std::ofstream stat(root_ / dir / "stat");
    stat << dir << " (" << command << ") S 1 1 1 0 -1 4194560";
    for (int field = 10; field <= 52; ++field) stat << " " << (field == 22 ? 100 : 0);
    stat << "\n";
  }

  fs::path root_;
};

TEST_F(NamespaceScrape, JoinsEachOtherNamespaceAndSkipsThoseThatCannotBe) {
  ProcFs proc(root_.string());
  testing::FakeIpcSyscalls syscalls;
  syscalls.namespace_answers[proc.PathOf("30/ns/ipc")] = {SyscallOutcome::kDenied, EPERM};
  syscalls.namespace_answers[proc.PathOf("40/ns/ipc")] = {SyscallOutcome::kGone, ENOENT};
  testing::FakeAccountNames names;
  CollectorContext context =
      testing::FixtureContext(proc, syscalls, names);  // dev_shm: the fixture's
  Scraper scraper(CollectorSet{{{"probe", CreateProbe}}, context}, /*process_metrics=*/false);
  scraper.CollectAllNamespaces(100);
  const std::string body = scraper.Scrape()->Joined();
  std::vector<testing::ParsedSample> s = testing::ParseExposition(body);

  // Joined: the other namespaces found through processes and the bind mount, each once.
  std::multiset<std::string> joined(syscalls.joined_namespaces.begin(),
                                    syscalls.joined_namespaces.end());
  EXPECT_EQ(joined, (std::multiset<std::string>{proc.PathOf("20/ns/ipc"), proc.PathOf("30/ns/ipc"),
                                                proc.PathOf("40/ns/ipc"), "/run/ipcns/kept"}));
  // Collected where joined, every slice on the namespace's own thread.
  for (const char* inode : {"200", "500"}) {
    EXPECT_EQ(testing::FindSample(s, "probe_slice_threads", {{"ipc_namespace", inode}}), "1");
  }
  EXPECT_EQ(testing::FindSamples(s, "probe_slice_threads").size(), 3u);  // 100, 200, 500
  EXPECT_TRUE(testing::FindSample(s, "probe_slice_threads", {{"ipc_namespace", "100"}}));
  // Only the own namespace reads the configured /dev/shm; the fixture has no /proc/PID/root.
  EXPECT_EQ(testing::FindSample(s, "probe_dev_shm_given", {{"ipc_namespace", "100"}}), "1");
  EXPECT_EQ(testing::FindSample(s, "probe_dev_shm_given", {{"ipc_namespace", "200"}}), "0");
  EXPECT_EQ(testing::FindSample(s, "probe_dev_shm_given", {{"ipc_namespace", "500"}}), "0");

  EXPECT_EQ(testing::FindSample(s, "ipc_namespace_info",
                                {{"ipc_namespace", "100"}, {"pid", "1"}, {"command", "init"}}),
            "1");
  EXPECT_EQ(testing::FindSample(s, "ipc_namespace_info",
                                {{"ipc_namespace", "200"},
                                 {"pid", "20"},
                                 {"command", "worker"},
                                 {"container_id", std::string(64, 'c')}}),
            "1");
  EXPECT_EQ(testing::FindSample(s, "ipc_namespace_info",
                                {{"ipc_namespace", "300"}, {"pid", "30"}, {"command", "denied"}}),
            "1");
  EXPECT_EQ(testing::FindSample(s, "ipc_namespace_info", {{"ipc_namespace", "500"}, {"pid", ""}}),
            "1");
  EXPECT_FALSE(testing::FindSample(s, "ipc_namespace_info", {{"ipc_namespace", "400"}}))
      << "a namespace gone before it was joined is skipped";
  EXPECT_EQ(testing::FindSample(s, "ipc_namespaces"), "4");
  EXPECT_EQ(testing::FindSample(s, "ipc_exporter_ipc_namespaces_skipped", {{"reason", "denied"}}),
            "1");
  EXPECT_EQ(testing::FindSample(s, "ipc_exporter_ipc_namespaces_skipped", {{"reason", "vanished"}}),
            "1");
  EXPECT_EQ(testing::FindSample(s, "ipc_exporter_ipc_namespaces_skipped", {{"reason", "failed"}}),
            "0");
  EXPECT_EQ(testing::FindSample(s, "ipc_exporter_collector_success", {{"collector", "probe"}}),
            "1");
}

// Namespaces anyone can make must not multiply the series: the other namespaces share one
// max-series, and beyond --ipc.namespaces.max they are only counted, containers kept first.
TEST_F(NamespaceScrape, OtherNamespacesShareOneSeriesCapAndAreLimitedInNumber) {
  ProcFs proc(root_.string());
  testing::FakeIpcSyscalls syscalls;
  testing::FakeAccountNames names;
  CollectorContext context = testing::FixtureContext(proc, syscalls, names);
  context.settings.shm_max_series = 1000;
  {
    Scraper scraper(CollectorSet{{{"probe", CreateProbe}}, context}, false);
    scraper.CollectAllNamespaces(100);
    std::vector<testing::ParsedSample> s = testing::ParseExposition(scraper.Scrape()->Joined());
    EXPECT_EQ(testing::FindSample(s, "probe_shm_max_series", {{"ipc_namespace", "100"}}), "1000");
    for (const char* other : {"200", "300", "400", "500"}) {  // four others share 1000
      EXPECT_EQ(testing::FindSample(s, "probe_shm_max_series", {{"ipc_namespace", other}}), "250")
          << other;
    }
    EXPECT_EQ(testing::FindSample(s, "ipc_exporter_ipc_namespaces_skipped", {{"reason", "limit"}}),
              "0");
  }
  syscalls.joined_namespaces.clear();
  Scraper scraper(CollectorSet{{{"probe", CreateProbe}}, context}, false);
  scraper.CollectAllNamespaces(1);
  std::vector<testing::ParsedSample> s = testing::ParseExposition(scraper.Scrape()->Joined());
  // The container's namespace is the one kept, with the whole shared cap.
  EXPECT_EQ(testing::FindSample(s, "probe_shm_max_series", {{"ipc_namespace", "200"}}), "1000");
  EXPECT_EQ(testing::FindSamples(s, "probe_shm_max_series").size(), 2u);
  EXPECT_EQ(testing::FindSamples(s, "ipc_namespace_info").size(), 2u);
  EXPECT_EQ(testing::FindSample(s, "ipc_exporter_ipc_namespaces_skipped", {{"reason", "limit"}}),
            "3");
  EXPECT_EQ(testing::FindSample(s, "ipc_namespaces"), "5");
  EXPECT_EQ(syscalls.joined_namespaces, (std::vector<std::string>{proc.PathOf("20/ns/ipc")}));
}

TEST_F(NamespaceScrape, WithoutTheOwnNamespaceLinkTheOwnNamespaceIsStillCollected) {
  fs::remove(root_ / "thread-self" / "ns" / "ipc");
  ProcFs proc(root_.string());
  testing::FakeIpcSyscalls syscalls;
  testing::FakeAccountNames names;
  CollectorContext context = testing::FixtureContext(proc, syscalls, names);
  Scraper scraper(CollectorSet{{{"probe", CreateProbe}}, context}, /*process_metrics=*/false);
  scraper.CollectAllNamespaces(100);
  std::vector<testing::ParsedSample> s = testing::ParseExposition(scraper.Scrape()->Joined());
  EXPECT_EQ(testing::FindSample(s, "probe_dev_shm_given"), "1");
  EXPECT_TRUE(syscalls.joined_namespaces.empty());
  EXPECT_FALSE(testing::FindSample(s, "ipc_namespaces"));
}

}  // namespace
}  // namespace ipc_exporter
