// The sem collector over fixture /proc trees with scripted syscalls, and its diagnosis of
// stuck semaphores.
#include <gtest/gtest.h>

#include "collect.h"

namespace ipc_exporter {
namespace {

using namespace testing;  // the fixture helpers of tests/support

TEST(SemCollector, NormalHost) {
  Collected c = CollectWith("sem", FixtureProc("normal"), testing::FixtureSyscalls("normal"));
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
  Collected c = CollectWith("sem", FixtureProc("normal"), testing::FixtureSyscalls("normal"));
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_array_values_readable", {{"semid", "65538"}}), "0");
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_array_semaphores", {{"semid", "65538"}}), "1");
  EXPECT_TRUE(FindSamples(c.samples, "ipc_sem_value", {{"semid", "65538"}}).empty());
  EXPECT_TRUE(FindSamples(c.samples, "ipc_sem_ncount", {{"semid", "65538"}}).empty());
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_array_info", {{"semid", "65538"}, {"user", "4242"}}),
            "1");  // no account: the uid stands in, as ipcs does
}

TEST(SemCollector, VanishedArrayIsSkippedSilentlyAndNotCounted) {
  Collected c = CollectWith("sem", FixtureProc("normal"), testing::FixtureSyscalls("normal"));
  EXPECT_TRUE(c.errors.empty());
  EXPECT_NE(c.text.find("semid=\"65538\""), std::string::npos);
  EXPECT_EQ(c.text.find("semid=\"98307\""), std::string::npos);
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_arrays"), "3");
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_semaphores"), "6");
}

TEST(SemCollector, FailingSyscallIsAnErrorAndTheArrayUnreadable) {
  FakeIpcSyscalls syscalls = testing::FixtureSyscalls("normal");
  syscalls.semaphores[0] = {{SyscallOutcome::kFailed, EIO}, {}};
  Collected c = CollectWith("sem", FixtureProc("normal"), syscalls);
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_NE(c.errors[0].find("semid 0"), std::string::npos) << c.errors[0];
  EXPECT_EQ(FindSample(c.samples, "ipc_sem_array_values_readable", {{"semid", "0"}}), "0");
  EXPECT_TRUE(FindSamples(c.samples, "ipc_sem_value", {{"semid", "0"}}).empty());
}

TEST(SemDiagnosis, StuckWhenWaitersOutliveTheLastOperator) {
  Collected run = CollectFixture("sem", "normal");
  auto at = [](const char* semid, const char* semnum) {
    return std::map<std::string, std::string>{{"semid", semid}, {"semnum", semnum}};
  };
  // 0/0: a waiter, but pid 1234 still runs. 0/1: two wait for zero, pid 1240 is gone.
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_last_operator_alive", at("0", "0")), "1");
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_stuck", at("0", "0")), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_last_operator_alive", at("0", "1")), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_stuck", at("0", "1")), "1");
  // 32769: everyone gone but nobody waits, so orphaned and not stuck; semnum 2 never touched.
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_stuck", at("32769", "0")), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_last_operator_alive", at("32769", "2")), std::nullopt);
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_array_orphaned", {{"semid", "32769"}}), "1");
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_array_orphaned", {{"semid", "0"}}), "0");
  // Unreadable values: nothing is known of the operators.
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_array_orphaned", {{"semid", "65538"}}), std::nullopt);

  ASSERT_EQ(run.report.attention.size(), 1u);
  EXPECT_EQ(run.report.attention[0].problem, Problem::kStuckSemaphore);
  EXPECT_EQ(run.report.attention[0].id, 0);
  EXPECT_EQ(run.report.attention[0].semaphore, 1u);
  EXPECT_EQ(run.report.attention[0].value, 0);
  EXPECT_EQ(run.report.attention[0].waiters, 2u);
  EXPECT_EQ(run.report.attention[0].pid, 1240);
}

}  // namespace
}  // namespace ipc_exporter
