// The collectors over fixture /proc trees with scripted syscalls: what /proc alone cannot show on
// demand (vanishing objects, refused and failing syscalls, old kernels, broken files).
#include <gtest/gtest.h>
#include <sys/statvfs.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "collect.h"
#include "collectors/collector.h"
#include "exposition.h"
#include "fakes.h"
#include "procfs/posix_parsers.h"
#include "scrape/collector_table.h"

namespace ipc_exporter {
namespace {

using testing::FakeAccountNames;
using testing::FakeIpcSyscalls;
using testing::FindSample;
using testing::FindSamples;
using testing::FixtureProc;
using testing::ParsedSample;
using testing::ParseExposition;

using testing::Collected;
using testing::CollectFixture;
using testing::CollectWith;

TEST(Collectors, EmptyHostHasTotalsAndLimitsOnly) {
  for (const char* name : {"shm", "sem", "msg"}) {
    Collected c = CollectWith(name, FixtureProc("empty"), testing::FixtureSyscalls("empty"));
    EXPECT_TRUE(c.errors.empty()) << name;
    for (const ParsedSample& s : c.samples) EXPECT_TRUE(s.labels.empty()) << s.name;
  }
  Collected sem = CollectWith("sem", FixtureProc("empty"), {});
  EXPECT_EQ(FindSample(sem.samples, "ipc_sem_arrays_limit"), "128");
  EXPECT_EQ(FindSample(sem.samples, "ipc_sem_arrays"), "0");
}

/// Rows of the normal fixture's /proc/sysvipc/TABLE, and the sum of its column `column` (0-based).
size_t RowsOf(const std::string& table) {
  std::ifstream in(FixtureProc("normal") + "/sysvipc/" + table);
  std::string line;
  size_t rows = 0;
  std::getline(in, line);  // header
  while (std::getline(in, line)) rows += !line.empty();
  return rows;
}
uint64_t ColumnSum(const std::string& table, size_t column) {
  std::ifstream in(FixtureProc("normal") + "/sysvipc/" + table);
  std::string line;
  uint64_t sum = 0;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string field;
    for (size_t i = 0; i <= column && fields >> field; ++i) {
      if (i == column) sum += std::stoull(field);
    }
  }
  return sum;
}

TEST(MaxSeries, ZeroPublishesTotalsAndLimitsOnlyAndReadsNoObject) {
  CollectorSettings off;
  off.shm_max_series = off.sem_max_series = off.msg_max_series = 0;
  off.posix_shm_max_series = off.posix_sem_max_series = off.posix_mqueue_max_series = 0;
  off.posix_shm_processes = true;  // would scan every process, but not for totals
  for (const char* name : {"shm", "sem", "msg", "posix_shm", "posix_sem"}) {
    FakeIpcSyscalls syscalls = testing::FixtureSyscalls("normal");
    Collected all = CollectWith(name, FixtureProc("normal"), syscalls);
    if (std::string(name) == "sem" || std::string(name) == "msg") {
      EXPECT_GT(*syscalls.object_reads, 0u) << name << ": the full run reads each object";
    }
    *syscalls.object_reads = 0;
    Collected totals = CollectWith(name, FixtureProc("normal"), syscalls, off);
    EXPECT_TRUE(totals.errors.empty()) << name;
    EXPECT_EQ(*syscalls.object_reads, 0u) << name << " read objects for its totals";
    EXPECT_EQ(totals.series_dropped, 0u) << name;
    // The fixture's syscalls make semid 98307 and one queue vanish mid-scrape, which the full
    // run leaves out; a totals-only run never asks, so it counts every row of the table.
    const std::map<std::string, std::string> table_counts = {
        {"ipc_sem_arrays", std::to_string(RowsOf("sem"))},
        {"ipc_sem_semaphores", std::to_string(ColumnSum("sem", 3))},
        {"ipc_msg_queues", std::to_string(RowsOf("msg"))}};
    size_t unlabelled = 0;
    for (const ParsedSample& sample : all.samples) {
      if (!sample.labels.empty()) continue;
      // The fixture's /dev/shm lies on the build's disk, whose free space moves between runs.
      if (sample.name.starts_with("ipc_posix_shm_filesystem_")) continue;
      ++unlabelled;  // every total and limit is still there, with the same value
      auto counted = table_counts.find(sample.name);
      const std::string expected = counted != table_counts.end() ? counted->second : sample.value;
      EXPECT_EQ(FindSample(totals.samples, sample.name), expected) << name << " " << sample.name;
    }
    EXPECT_GT(unlabelled, 0u) << name;
    for (const ParsedSample& sample : totals.samples) {
      EXPECT_TRUE(sample.labels.empty()) << name << ": per-object " << sample.name;
    }
  }
}

TEST(Limits, FixedKernelLimitsArePublished) {
  Collected sem = CollectWith("sem", FixtureProc("normal"), testing::FixtureSyscalls("normal"));
  EXPECT_EQ(FindSample(sem.samples, "ipc_sem_value_limit"), "32767");
  Collected shm = CollectWith("shm", FixtureProc("normal"), testing::FixtureSyscalls("normal"));
  EXPECT_EQ(FindSample(shm.samples, "ipc_shm_segment_min_size_bytes"), "1");
  EXPECT_EQ(FindSample(shm.samples, "ipc_shm_segments_per_process_limit"),
            FindSample(shm.samples, "ipc_shm_segments_limit"));
}

TEST(MaxSeries, PosixCollectorsHonourTheirCaps) {
  CollectorSettings settings;
  settings.posix_sem_max_series = 3;  // /app-lock has 4 series (value, waiters, readable, info)
  Collected sem = CollectWith("posix_sem", FixtureProc("normal"), {}, settings);
  EXPECT_EQ(sem.series_dropped, 4u);
  EXPECT_TRUE(FindSamples(sem.samples, "ipc_posix_sem_value").empty());
  EXPECT_EQ(FindSample(sem.samples, "ipc_posix_sems"), "1");
  settings.posix_sem_max_series = 4;
  EXPECT_EQ(CollectWith("posix_sem", FixtureProc("normal"), {}, settings).series_dropped, 0u);

  settings.posix_shm_max_series = 2;  // /app-cache has 3 (size, modification time, info)
  Collected shm = CollectWith("posix_shm", FixtureProc("normal"), {}, settings);
  EXPECT_EQ(shm.series_dropped, 3u);
  EXPECT_TRUE(FindSamples(shm.samples, "ipc_posix_shm_object_info").empty());
  EXPECT_EQ(FindSample(shm.samples, "ipc_posix_shm_size_bytes"), "100");
}

class BrokenTree : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("ipc_broken_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::copy(FixtureProc("normal"), root_, std::filesystem::copy_options::recursive);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::filesystem::path root_;
};

TEST_F(BrokenTree, MissingTableThrowsSoNothingIsWritten) {
  std::filesystem::remove(root_ / "sysvipc/shm");
  EXPECT_THROW(CollectWith("shm", root_.string(), {}), ProcFsError);
}

TEST_F(BrokenTree, MalformedRowIsReportedAndTheRestStillExported) {
  std::ofstream(root_ / "sysvipc/msg", std::ios::app) << "1 2 3 garbage\n";
  Collected c = CollectWith("msg", root_.string(), testing::FixtureSyscalls("normal"));
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_NE(c.errors[0].find("sysvipc/msg line 7"), std::string::npos) << c.errors[0];
  EXPECT_EQ(FindSample(c.samples, "ipc_msg_queues"), "4");
}

TEST_F(BrokenTree, MalformedLimitIsReportedAndLeftOut) {
  std::ofstream(root_ / "sys/kernel/shmmni") << "many\n";
  Collected c = CollectWith("shm", root_.string(), {});
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segments_limit"), std::nullopt);
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segments"), "4");
}

TEST(LimitUsage, EveryCollectorReportsItsLimits) {
  Collected shm = CollectFixture("shm", "normal");
  ASSERT_EQ(shm.report.limits.size(), 2u);
  EXPECT_EQ(shm.report.limits[0].used, 4);
  EXPECT_EQ(shm.report.limits[0].limit, 4096);
  Collected sem = CollectFixture("sem", "normal");
  ASSERT_EQ(sem.report.limits.size(), 2u);
  EXPECT_EQ(sem.report.limits[1].used, 6);
  Collected msg = CollectFixture("msg", "normal");
  ASSERT_EQ(msg.report.limits.size(), 1u);
  EXPECT_EQ(msg.report.limits[0].limit, 32000);
}

}  // namespace
}  // namespace ipc_exporter
