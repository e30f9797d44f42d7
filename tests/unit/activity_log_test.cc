// The lifecycle events the exporter keeps: decoding, the bounded ring, counts by remover, and
// creators remembered until their object goes.
#include "bpf/activity_log.h"

#include <gtest/gtest.h>

#include <cstring>

namespace ipc_exporter {
namespace {

ActivityEvent Event(activity_event_type type, activity_kind kind, int32_t id,
                    const std::string& command, uint32_t space = 10) {
  ActivityEvent event;
  event.type = type;
  event.kind = kind;
  event.id = id;
  event.command = command;
  event.ipc_namespace = space;
  return event;
}

TEST(ActivityLog, DecodesFixedStringsAndTurnsBootTimeIntoUnixTime) {
  activity_event raw{};
  raw.boot_time_ns = 5'000'000'000;
  raw.kind = ACTIVITY_MSG;
  raw.type = ACTIVITY_REMOVED;
  raw.id = 32769;
  raw.pid = 4711;
  raw.parent_pid = 1;
  raw.uid = 1000;
  std::memcpy(raw.command, "remover", 7);                            // NUL-terminated
  std::memset(raw.parent_command, 'x', sizeof(raw.parent_command));  // all 16 used
  std::memcpy(raw.cgroup, "docker-0123.scope", 17);
  ActivityEvent event = DecodeEvent(raw, 1'700'000'000'000'000'000);
  EXPECT_EQ(event.unix_time_ns, 1'700'000'005'000'000'000);
  EXPECT_EQ(event.kind, ACTIVITY_MSG);
  EXPECT_EQ(event.type, ACTIVITY_REMOVED);
  EXPECT_EQ(event.id, 32769);
  EXPECT_EQ(event.pid, 4711u);
  EXPECT_EQ(event.uid, 1000u);
  EXPECT_EQ(event.command, "remover");
  EXPECT_EQ(event.parent_command, std::string(16, 'x'));
  EXPECT_EQ(event.cgroup, "docker-0123.scope");
}

TEST(ActivityLog, DecodingAnOutOfRangeKindOrTypeStaysInRange) {
  activity_event raw{};
  raw.kind = 99;
  raw.type = 99;
  ActivityEvent event = DecodeEvent(raw, 0);
  EXPECT_LT(event.kind, ACTIVITY_KINDS);
  EXPECT_LE(event.type, ACTIVITY_CHANGED);
}

TEST(ActivityLog, KeepsTheLastEventsOnly) {
  ActivityLog log(/*capacity=*/3);
  for (int32_t id = 1; id <= 5; ++id) log.Add(Event(ACTIVITY_CHANGED, ACTIVITY_SEM, id, "x"));
  std::vector<ActivityEvent> recent = log.Recent();
  ASSERT_EQ(recent.size(), 3u);
  EXPECT_EQ(recent.front().id, 3);
  EXPECT_EQ(recent.back().id, 5);
}

TEST(ActivityLog, CountsByNamespaceKindTypeAndRemover) {
  ActivityLog log;
  log.Add(Event(ACTIVITY_CREATED, ACTIVITY_SHM, 1, "postgres"));
  log.Add(Event(ACTIVITY_CREATED, ACTIVITY_SHM, 2, "postgres"));
  log.Add(Event(ACTIVITY_REMOVED, ACTIVITY_SHM, 1, "ipcrm"));
  log.Add(Event(ACTIVITY_REMOVED, ACTIVITY_SHM, 2, "postgres"));
  log.Add(Event(ACTIVITY_REMOVED, ACTIVITY_SHM, 3, "ipcrm", /*space=*/11));
  std::vector<LifecycleCount> counts = log.Counts(10);
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[0].type, ACTIVITY_CREATED);
  EXPECT_EQ(counts[0].command, "");  // creations are counted by kind only
  EXPECT_EQ(counts[0].count, 2u);
  EXPECT_EQ(counts[1].command, "ipcrm");
  EXPECT_EQ(counts[1].count, 1u);
  EXPECT_EQ(counts[2].command, "postgres");
  EXPECT_EQ(log.Counts(11).size(), 1u);
  EXPECT_TRUE(log.Counts(12).empty());
}

TEST(ActivityLog, RemoversPastTheLimitAreCountedAsOther) {
  ActivityLog log(10, 10, /*max_commands=*/2);
  for (const char* command : {"a", "b", "c", "d", "a"}) {
    log.Add(Event(ACTIVITY_REMOVED, ACTIVITY_SEM, 1, command));
  }
  std::vector<LifecycleCount> counts = log.Counts(10);
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[0].command, "a");
  EXPECT_EQ(counts[0].count, 2u);
  EXPECT_EQ(counts[2].command, "other");
  EXPECT_EQ(counts[2].count, 2u);
}

TEST(ActivityLog, RemembersCreatorsUntilTheObjectIsRemovedOrForgotten) {
  ActivityLog log;
  ActivityEvent creation = Event(ACTIVITY_CREATED, ACTIVITY_SHM, 7, "loader");
  creation.key = 0x1234;
  creation.parent_command = "bash";
  log.Add(creation);
  log.Add(Event(ACTIVITY_CREATED, ACTIVITY_SEM, 8, "other"));
  ASSERT_TRUE(log.Creator(10, ACTIVITY_SHM, 7).has_value());
  EXPECT_EQ(log.Creator(10, ACTIVITY_SHM, 7)->parent_command, "bash");
  EXPECT_FALSE(log.Creator(10, ACTIVITY_SEM, 7).has_value());  // another kind's id 7

  log.Add(Event(ACTIVITY_REMOVED, ACTIVITY_SHM, 7, "ipcrm"));
  EXPECT_FALSE(log.Creator(10, ACTIVITY_SHM, 7).has_value());
  EXPECT_EQ(log.Recent().back().key, 0x1234u);  // the removal names the key its creation had

  log.Forget(10, ACTIVITY_SEM, 8);
  EXPECT_FALSE(log.Creator(10, ACTIVITY_SEM, 8).has_value());
}

TEST(ActivityLog, ForgetsTheOldestCreatorsPastItsBound) {
  ActivityLog log(10, /*max_creators=*/2);
  for (int32_t id = 1; id <= 3; ++id) log.Add(Event(ACTIVITY_CREATED, ACTIVITY_MSG, id, "c"));
  EXPECT_FALSE(log.Creator(10, ACTIVITY_MSG, 1).has_value());
  EXPECT_TRUE(log.Creator(10, ACTIVITY_MSG, 2).has_value());
  EXPECT_TRUE(log.Creator(10, ACTIVITY_MSG, 3).has_value());
}

}  // namespace
}  // namespace ipc_exporter
