// The collectors over fixture /proc trees with scripted syscalls: what /proc alone cannot show on
// demand (vanishing objects, refused and failing syscalls, old kernels, broken files).
#include <gtest/gtest.h>
#include <sys/statvfs.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "collector.h"
#include "exposition.h"
#include "fakes.h"
#include "posix_parsers.h"

namespace ipc_exporter {
namespace {

using testing::FakeAccountNames;
using testing::FakeIpcSyscalls;
using testing::FindSample;
using testing::FindSamples;
using testing::FixtureProc;
using testing::ParsedSample;
using testing::ParseExposition;

struct Collected {
  std::string text;
  std::vector<ParsedSample> samples;
  std::vector<std::string> errors;
  std::vector<AttentionItem> attention;
  std::vector<LimitUsage> limits;
  uint64_t series_dropped = 0;
};

Collected Collect(const std::string& collector, const std::string& proc_root,
                  FakeIpcSyscalls syscalls, CollectorSettings settings = {}) {
  ProcFs proc(proc_root);
  FakeAccountNames names;
  CollectorContext context = testing::FixtureContext(proc, syscalls, names, settings);
  for (const CollectorInfo& info : AllCollectors()) {
    if (info.name != collector) continue;
    Collected result;
    ExpositionWriter writer(&result.text);
    CollectReport report;
    info.create(context)->Collect(writer, report);
    result.errors = report.errors;
    result.attention = report.attention;
    result.limits = report.limits;
    result.series_dropped = report.series_dropped;
    result.samples = ParseExposition(result.text);
    return result;
  }
  throw std::runtime_error("no collector " + collector);
}

TEST(ShmCollector, NormalHost) {
  Collected c = Collect("shm", FixtureProc("normal"), testing::FixtureSyscalls("normal"));
  EXPECT_TRUE(c.errors.empty());
  const std::map<std::string, std::string> beef = {{"key", "0xdeadbeef"}, {"shmid", "32769"}};
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segment_size_bytes", beef), "16777216");
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segment_resident_bytes", beef), "8388608");
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segment_swapped_bytes", beef), "4194304");
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segment_marked_for_destruction", beef), "0");
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segment_marked_for_destruction", {{"shmid", "0"}}),
            "1");  // perms 1600: SHM_DEST
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segment_locked", {{"shmid", "65538"}}),
            "1");  // perms 2600: SHM_LOCKED
  EXPECT_EQ(
      FindSample(c.samples, "ipc_shm_segment_info",
                 {{"shmid", "32769"}, {"user", "alice"}, {"group", "staff"}, {"mode", "0640"}}),
      "1");
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segments"), "4");
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_size_bytes"),
            std::to_string(65536 + 16777216 + 4096 + 8192));
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_resident_bytes"),
            std::to_string(65536 + 8388608 + 4096));
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segment_size_limit_bytes"), "18446744073692774399");
  // 18446744073692774399 pages of 4096 bytes: beyond 64 bits, written as a float.
  EXPECT_DOUBLE_EQ(std::stod(*FindSample(c.samples, "ipc_shm_size_limit_bytes")),
                   18446744073692774399.0 * 4096.0);
}

TEST(ShmCollector, OldKernelWithoutRssColumnsLeavesThoseFamiliesOut) {
  Collected c = Collect("shm", FixtureProc("old_kernel"), testing::FixtureSyscalls("old_kernel"));
  EXPECT_TRUE(c.errors.empty());
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segment_size_bytes", {{"shmid", "0"}}), "1048576");
  EXPECT_TRUE(FindSamples(c.samples, "ipc_shm_segment_resident_bytes").empty());
  EXPECT_TRUE(FindSamples(c.samples, "ipc_shm_resident_bytes").empty());
  EXPECT_TRUE(FindSamples(c.samples, "ipc_shm_rmid_forced").empty());  // no such file there
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segments_limit"), "4096");
}

TEST(SemCollector, NormalHost) {
  Collected c = Collect("sem", FixtureProc("normal"), testing::FixtureSyscalls("normal"));
  EXPECT_TRUE(c.errors.empty()) << c.errors.front();
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_value", {{"semid", "0"}, {"semnum", "0"}}), "5");
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_ncount", {{"semid", "0"}, {"semnum", "0"}}), "1");
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_zcount", {{"semid", "0"}, {"semnum", "1"}}), "2");
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_last_operation_pid", {{"semid", "0"}, {"semnum", "1"}}),
            "1240");
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_value", {{"semid", "32769"}, {"semnum", "1"}}), "65535");
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_array_values_readable", {{"semid", "32769"}}), "1");
}

TEST(SemCollector, RefusedArrayIsMarkedAndHasNoInventedValues) {
  Collected c = Collect("sem", FixtureProc("normal"), testing::FixtureSyscalls("normal"));
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_array_values_readable", {{"semid", "65538"}}), "0");
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_array_semaphores", {{"semid", "65538"}}), "1");
  EXPECT_TRUE(FindSamples(c.samples, "ipc_sem_value", {{"semid", "65538"}}).empty());
  EXPECT_TRUE(FindSamples(c.samples, "ipc_sem_ncount", {{"semid", "65538"}}).empty());
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_array_info", {{"semid", "65538"}, {"user", "4242"}}),
            "1");  // no account: the uid stands in, as ipcs does
}

TEST(SemCollector, VanishedArrayIsSkippedSilentlyAndNotCounted) {
  Collected c = Collect("sem", FixtureProc("normal"), testing::FixtureSyscalls("normal"));
  EXPECT_TRUE(c.errors.empty());
  EXPECT_NE(c.text.find("semid=\"65538\""), std::string::npos);
  EXPECT_EQ(c.text.find("semid=\"98307\""), std::string::npos);
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_arrays"), "3");
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_semaphores"), "6");
}

TEST(SemCollector, FailingSyscallIsAnErrorAndTheArrayUnreadable) {
  FakeIpcSyscalls syscalls = testing::FixtureSyscalls("normal");
  syscalls.semaphores[0] = {{SyscallOutcome::kFailed, EIO}, {}};
  Collected c = Collect("sem", FixtureProc("normal"), syscalls);
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_NE(c.errors[0].find("semid 0"), std::string::npos) << c.errors[0];
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_array_values_readable", {{"semid", "0"}}), "0");
  EXPECT_TRUE(FindSamples(c.samples, "ipc_sem_value", {{"semid", "0"}}).empty());
}

TEST(MsgCollector, NormalHost) {
  Collected c = Collect("msg", FixtureProc("normal"), testing::FixtureSyscalls("normal"));
  EXPECT_TRUE(c.errors.empty());
  const std::map<std::string, std::string> q = {{"key", "0x000003e8"}, {"msqid", "0"}};
  EXPECT_EQ(FindSample(c.samples, "ipc_msg_queue_messages", q), "3");
  EXPECT_EQ(FindSample(c.samples, "ipc_msg_queue_bytes", q), "300");
  EXPECT_EQ(FindSample(c.samples, "ipc_msg_queue_capacity_bytes", q), "16384");
  EXPECT_EQ(FindSample(c.samples, "ipc_msg_queue_last_receive_pid", q), "502");
  EXPECT_EQ(FindSample(c.samples, "ipc_msg_queue_capacity_bytes", {{"msqid", "32769"}}), "65536");
  EXPECT_EQ(c.text.find("msqid=\"65538\""), std::string::npos);  // vanished
  EXPECT_EQ(FindSample(c.samples, "ipc_msg_queues"), "4");
  EXPECT_EQ(FindSample(c.samples, "ipc_msg_messages"), "6");
  EXPECT_EQ(FindSample(c.samples, "ipc_msg_bytes"), "380");
}

TEST(MsgCollector, RefusedCapacityIsLeftOutNotZero) {
  FakeIpcSyscalls syscalls = testing::FixtureSyscalls("normal");
  syscalls.queues[0] = {{SyscallOutcome::kDenied, EACCES}, 0};
  Collected c = Collect("msg", FixtureProc("normal"), syscalls);
  EXPECT_TRUE(c.errors.empty());
  EXPECT_EQ(FindSample(c.samples, "ipc_msg_queue_capacity_bytes", {{"msqid", "0"}}), std::nullopt);
  EXPECT_EQ(FindSample(c.samples, "ipc_msg_queue_messages", {{"msqid", "0"}}), "3");
}

TEST(Collectors, EmptyHostHasTotalsAndLimitsOnly) {
  for (const char* name : {"shm", "sem", "msg"}) {
    Collected c = Collect(name, FixtureProc("empty"), testing::FixtureSyscalls("empty"));
    EXPECT_TRUE(c.errors.empty()) << name;
    for (const ParsedSample& s : c.samples) EXPECT_TRUE(s.labels.empty()) << s.name;
  }
  Collected sem = Collect("sem", FixtureProc("empty"), {});
  EXPECT_EQ(FindSample(sem.samples, "ipc_sem_arrays_limit"), "128");
  EXPECT_EQ(FindSample(sem.samples, "ipc_sem_arrays"), "0");
}

TEST(PosixSemCollector, ReadsValueAndWaitersWithoutOpeningTheSemaphore) {
  // The fixture's sem.app-lock is a glibc sem_t with value 2 and one waiter.
  Collected c = Collect("posix_sem", FixtureProc("normal"), {});
  EXPECT_TRUE(c.errors.empty());
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_sem_value", {{"name", "/app-lock"}}), "2");
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_sem_waiters", {{"name", "/app-lock"}}), "1");
  EXPECT_EQ(FindSamples(c.samples, "ipc_posix_sem_info", {{"name", "/app-lock"}}).size(), 1u);
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_sems"), "1");
  Collected empty = Collect("posix_sem", FixtureProc("empty"), {});
  EXPECT_EQ(FindSample(empty.samples, "ipc_posix_sems"), "0");
}

TEST(PosixShmCollector, ListsObjectsButNotSemaphores) {
  // The fixture's /dev/shm holds app-cache (100 bytes) and sem.app-lock (a semaphore).
  Collected c = Collect("posix_shm", FixtureProc("normal"), {});
  EXPECT_TRUE(c.errors.empty());
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_shm_object_size_bytes", {{"name", "/app-cache"}}),
            "100");
  EXPECT_TRUE(FindSamples(c.samples, "ipc_posix_shm_object_size_bytes", {{"name", "/sem.app-lock"}})
                  .empty());
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_shm_objects"), "1");
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_shm_size_bytes"), "100");
  EXPECT_EQ(FindSamples(c.samples, "ipc_posix_shm_object_info", {{"name", "/app-cache"}}).size(),
            1u);
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
    Collected all = Collect(name, FixtureProc("normal"), syscalls);
    if (std::string(name) == "sem" || std::string(name) == "msg") {
      EXPECT_GT(*syscalls.object_reads, 0u) << name << ": the full run reads each object";
    }
    *syscalls.object_reads = 0;
    Collected totals = Collect(name, FixtureProc("normal"), syscalls, off);
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

TEST(PosixShmCollector, PublishesTheFilesystemOfDevShm) {
  const std::string dev_shm = FixtureProc("normal") + "/../dev/shm";
  CollectorSettings settings;
  settings.dev_shm = dev_shm;
  Collected c = Collect("posix_shm", FixtureProc("normal"), {}, settings);
  struct statvfs fs {};
  ASSERT_EQ(::statvfs(dev_shm.c_str(), &fs), 0);
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_shm_filesystem_size_bytes"),
            std::to_string(uint64_t{fs.f_blocks} * fs.f_frsize));
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_shm_filesystem_files"), std::to_string(fs.f_files));
  EXPECT_TRUE(FindSample(c.samples, "ipc_posix_shm_filesystem_free_bytes").has_value());
  EXPECT_TRUE(FindSample(c.samples, "ipc_posix_shm_filesystem_files_free").has_value());
}

TEST(Limits, FixedKernelLimitsArePublished) {
  Collected sem = Collect("sem", FixtureProc("normal"), testing::FixtureSyscalls("normal"));
  EXPECT_EQ(FindSample(sem.samples, "ipc_sem_value_limit"), "32767");
  Collected shm = Collect("shm", FixtureProc("normal"), testing::FixtureSyscalls("normal"));
  EXPECT_EQ(FindSample(shm.samples, "ipc_shm_segment_min_size_bytes"), "1");
  EXPECT_EQ(FindSample(shm.samples, "ipc_shm_segments_per_process_limit"),
            FindSample(shm.samples, "ipc_shm_segments_limit"));
}

TEST(MaxSeries, PosixCollectorsHonourTheirCaps) {
  CollectorSettings settings;
  settings.posix_sem_max_series = 3;  // /app-lock has 4 series (value, waiters, readable, info)
  Collected sem = Collect("posix_sem", FixtureProc("normal"), {}, settings);
  EXPECT_EQ(sem.series_dropped, 4u);
  EXPECT_TRUE(FindSamples(sem.samples, "ipc_posix_sem_value").empty());
  EXPECT_EQ(FindSample(sem.samples, "ipc_posix_sems"), "1");
  settings.posix_sem_max_series = 4;
  EXPECT_EQ(Collect("posix_sem", FixtureProc("normal"), {}, settings).series_dropped, 0u);

  settings.posix_shm_max_series = 2;  // /app-cache has 3 (size, modification time, info)
  Collected shm = Collect("posix_shm", FixtureProc("normal"), {}, settings);
  EXPECT_EQ(shm.series_dropped, 3u);
  EXPECT_TRUE(FindSamples(shm.samples, "ipc_posix_shm_object_info").empty());
  EXPECT_EQ(FindSample(shm.samples, "ipc_posix_shm_size_bytes"), "100");
}

TEST(PosixMqueueCollector, AnExitedProcesssMountIsNoErrorButAMissingMountIs) {
  CollectorSettings settings;
  settings.mqueue_mountinfo.clear();
  settings.mqueue_directory = "/proc/2147483647/root/dev/mqueue";  // above pid_max: never a process
  settings.through_process_root = true;
  Collected gone = Collect("posix_mqueue", FixtureProc("normal"), {}, settings);
  EXPECT_TRUE(gone.errors.empty()) << gone.errors.front();
  EXPECT_EQ(FindSample(gone.samples, "ipc_posix_mqueues"), "0");
  settings.through_process_root = false;
  Collected missing = Collect("posix_mqueue", FixtureProc("normal"), {}, settings);
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_NE(missing.errors.front().find("cannot list /proc/2147483647/root/dev/mqueue"),
            std::string::npos)
      << missing.errors.front();
}

TEST(PosixParsers, Table) {
  EXPECT_EQ(FindMqueueMount("22 1 0:5 / /dev rw - devtmpfs udev rw\n"
                            "36 22 0:31 / /dev/mqueue rw,relatime - mqueue mqueue rw\n"),
            "/dev/mqueue");
  EXPECT_EQ(FindMqueueMount("36 22 0:31 / /run/my\\040queues rw - mqueue mqueue rw\n"),
            "/run/my queues");
  EXPECT_EQ(FindMqueueMount("22 1 0:5 / /dev rw - devtmpfs udev rw\n"), std::nullopt);
  EXPECT_EQ(ParseMqueueQsize("QSIZE:129        NOTIFY:0     SIGNO:0     NOTIFY_PID:0\n"), 129u);
  EXPECT_EQ(ParseMqueueQsize("QSIZE:x"), std::nullopt);
  EXPECT_EQ(ParseMqueueQsize(""), std::nullopt);
  std::string word(32, '\0');
  word[0] = 5;
  word[4] = 3;
  ASSERT_TRUE(DecodePosixSemaphore(word).has_value());
  EXPECT_EQ(DecodePosixSemaphore(word)->value, 5u);
  EXPECT_EQ(DecodePosixSemaphore(word)->waiters, 3u);
  EXPECT_EQ(DecodePosixSemaphore(std::string(16, '\0')), std::nullopt);
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
  EXPECT_THROW(Collect("shm", root_.string(), {}), ProcFsError);
}

TEST_F(BrokenTree, MalformedRowIsReportedAndTheRestStillExported) {
  std::ofstream(root_ / "sysvipc/msg", std::ios::app) << "1 2 3 garbage\n";
  Collected c = Collect("msg", root_.string(), testing::FixtureSyscalls("normal"));
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_NE(c.errors[0].find("sysvipc/msg line 7"), std::string::npos) << c.errors[0];
  EXPECT_EQ(FindSample(c.samples, "ipc_msg_queues"), "4");
}

TEST_F(BrokenTree, MalformedLimitIsReportedAndLeftOut) {
  std::ofstream(root_ / "sys/kernel/shmmni") << "many\n";
  Collected c = Collect("shm", root_.string(), {});
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segments_limit"), std::nullopt);
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segments"), "4");
}

}  // namespace
}  // namespace ipc_exporter
