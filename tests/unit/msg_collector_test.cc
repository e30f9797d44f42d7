// The msg collector over fixture /proc trees with scripted syscalls, and its diagnosis of
// stalled queues.
#include <gtest/gtest.h>

#include "collect.h"

namespace ipc_exporter {
namespace {

using namespace testing;  // the fixture helpers of tests/support

TEST(MsgCollector, NormalHost) {
  Collected c = CollectWith("msg", FixtureProc("normal"), testing::FixtureSyscalls("normal"));
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
  Collected c = CollectWith("msg", FixtureProc("normal"), syscalls);
  EXPECT_TRUE(c.errors.empty());
  EXPECT_EQ(FindSample(c.samples, "ipc_msg_queue_capacity_bytes", {{"msqid", "0"}}), std::nullopt);
  EXPECT_EQ(FindSample(c.samples, "ipc_msg_queue_messages", {{"msqid", "0"}}), "3");
}

TEST(MsgDiagnosis, StalledQueues) {
  Collected run = CollectFixture("msg", "normal");
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_last_receiver_alive", {{"msqid", "0"}}), "1");
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_stalled", {{"msqid", "0"}}), "0");
  // Receiver 503 gone with two messages left.
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_last_receiver_alive", {{"msqid", "98307"}}),
            "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_stalled", {{"msqid", "98307"}}), "1");
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_never_received", {{"msqid", "98307"}}), "0");
  // Never received from (lrpid 0: unknown receiver), last send 3000 s ago > 300 s: a finding
  // of its own, not a dead consumer.
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_last_receiver_alive", {{"msqid", "131076"}}),
            std::nullopt);
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_stalled", {{"msqid", "131076"}}), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_never_received", {{"msqid", "131076"}}), "1");
  ASSERT_EQ(run.report.attention.size(), 1u);
  EXPECT_EQ(run.report.attention[0].problem, Problem::kStalledQueue);
  EXPECT_EQ(run.report.attention[0].id, 98307);
  EXPECT_EQ(run.report.attention[0].pid, 503);

  CollectorSettings patient;
  patient.msg_stall_threshold_seconds = 7200;
  Collected later = CollectFixture("msg", "normal", patient);
  EXPECT_EQ(FindSample(later.samples, "ipc_msg_queue_never_received", {{"msqid", "131076"}}), "0");
  EXPECT_EQ(FindSample(later.samples, "ipc_msg_queue_stalled", {{"msqid", "98307"}}), "1");
}

}  // namespace
}  // namespace ipc_exporter
