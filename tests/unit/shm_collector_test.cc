// The shm collector over fixture /proc trees with scripted syscalls, and its diagnosis of
// orphaned segments (the normal fixture's processes: see tests/fixtures).
#include <gtest/gtest.h>

#include "collect.h"

namespace ipc_exporter {
namespace {

using namespace testing;  // the fixture helpers of tests/support

TEST(ShmCollector, NormalHost) {
  Collected c = CollectWith("shm", FixtureProc("normal"), testing::FixtureSyscalls("normal"));
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
  Collected c =
      CollectWith("shm", FixtureProc("old_kernel"), testing::FixtureSyscalls("old_kernel"));
  EXPECT_TRUE(c.errors.empty());
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segment_size_bytes", {{"shmid", "0"}}), "1048576");
  EXPECT_TRUE(FindSamples(c.samples, "ipc_shm_segment_resident_bytes").empty());
  EXPECT_TRUE(FindSamples(c.samples, "ipc_shm_resident_bytes").empty());
  EXPECT_TRUE(FindSamples(c.samples, "ipc_shm_rmid_forced").empty());  // no such file there
  EXPECT_EQ(FindSample(c.samples, "ipc_shm_segments_limit"), "4096");
}

TEST(ShmDiagnosis, OrphanedOnlyWhenTheCreatorIsKnownGone) {
  Collected run = CollectFixture("shm", "normal");
  // Creator alive; attached and marked for destruction anyway.
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_creator_alive", {{"shmid", "0"}}), "1");
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_orphaned", {{"shmid", "0"}}), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_info",
                       {{"shmid", "0"}, {"creator_command", "postgres"}}),
            "1");
  // Pid 2001 was reused by a later process: the creator is gone; nattch 0: leaked.
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_creator_alive", {{"shmid", "32769"}}), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_orphaned", {{"shmid", "32769"}}), "1");
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_info",
                       {{"shmid", "32769"}, {"creator_command", ""}}),
            "1");
  // Creator gone but still attached: not orphaned.
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_creator_alive", {{"shmid", "65538"}}), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_orphaned", {{"shmid", "65538"}}), "0");
  // cpid 0: unknown, so no _alive series and no flag.
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_creator_alive", {{"shmid", "98307"}}),
            std::nullopt);
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_orphaned", {{"shmid", "98307"}}), "0");

  ASSERT_EQ(run.report.attention.size(), 1u);
  const AttentionItem& item = run.report.attention[0];
  EXPECT_EQ(item.problem, Problem::kOrphanedSegment);
  EXPECT_EQ(item.key, 0xdeadbeefu);
  EXPECT_EQ(item.id, 32769);
  EXPECT_FALSE(item.semaphore);
  EXPECT_EQ(item.owner, "alice");
  EXPECT_EQ(item.bytes, 16u << 20);
  EXPECT_EQ(item.pid, 2001);
  EXPECT_EQ(item.idle_seconds, testing::kFixtureNow - 1795000300);  // since the last detach
}

TEST(ShmDiagnosis, HiddenProcessesFlagNothing) {
  Collected run = CollectFixture("shm", "old_kernel");  // no /proc/1 there: pids cannot be judged
  EXPECT_TRUE(FindSamples(run.samples, "ipc_shm_segment_creator_alive").empty());
  for (const auto& s : FindSamples(run.samples, "ipc_shm_segment_orphaned")) {
    EXPECT_EQ(s.value, "0");
  }
  EXPECT_TRUE(run.report.attention.empty());
}

}  // namespace
}  // namespace ipc_exporter
