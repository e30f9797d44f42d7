// The activity collector as a reader of the BPF maps: raw records in, families out. Table-tested
// over records a fake source hands over, as the kernel would have filled them.
#include "collectors/activity/activity_collector.h"

#include <gtest/gtest.h>

#include "bpf/activity_source.h"
#include "exposition.h"
#include "fakes.h"

namespace ipc_exporter {
namespace {

constexpr uint32_t kOwnInode = 4026531839;

class FakeActivitySource final : public ActivitySource {
 public:
  bool running = true;
  std::vector<ObjectActivity> objects;
  std::vector<activity_key> forgotten;
  ActivityStats stats;
  ActivityLog events;

  bool enabled() const override { return running; }
  std::string why_disabled() const override { return running ? "" : "no CAP_BPF"; }
  uint32_t NamespaceInode(uint64_t ipc_namespace) const override {
    return ipc_namespace == 0 ? kOwnInode : static_cast<uint32_t>(ipc_namespace);
  }
  void ReadObjects(uint32_t inode, uint64_t, std::vector<ObjectActivity>* of_namespace) override {
    of_namespace->clear();
    for (const ObjectActivity& object : objects) {
      if (object.key.ipc_namespace == inode) of_namespace->push_back(object);
    }
  }
  void Forget(const std::vector<activity_key>& keys) override {
    forgotten.insert(forgotten.end(), keys.begin(), keys.end());
  }
  ActivityStats Stats() override { return stats; }
  const ActivityLog& log() const override { return events; }
  std::vector<std::pair<activity_kind, int32_t>> TakeRemoved(uint32_t inode) override {
    return events.TakeRemoved(inode);
  }
  uint64_t NextSweepTurn() override { return sweep_turn++; }
  uint64_t sweep_turn = 0;
};

ObjectActivity Object(activity_kind kind, int32_t id, uint32_t inode = kOwnInode) {
  ObjectActivity object;
  object.key.ipc_namespace = inode;
  object.key.kind = kind;
  object.key.id = id;
  return object;
}

/// The value of the sample line `series` (name and labels as written), if there is one.
std::optional<double> SampleValue(const std::string& text, const std::string& series) {
  const std::string lines = "\n" + text;
  const size_t at = lines.find("\n" + series + " ");
  if (at == std::string::npos) return std::nullopt;
  return std::stod(lines.substr(at + series.size() + 2));
}

struct Collection {
  std::string text;
  CollectReport report;
};

class ActivityCollectorTest : public ::testing::Test {
 protected:
  Collection Collect(uint64_t ipc_namespace = 0, uint64_t max_series = 1000000) {
    CollectorContext context = testing::UnusedContext();
    CollectorContext with_source{context.proc, syscalls_, context.names, context.settings,
                                 context.now};
    with_source.settings.activity = source_;
    with_source.settings.ipc_namespace = ipc_namespace;
    with_source.settings.activity_max_series = max_series;
    Collection run;
    ExpositionWriter writer(&run.text);
    CreateActivityCollector(with_source)->Collect(writer, run.report);
    EXPECT_NO_THROW(testing::ParseExposition(run.text));  // well-formed, whatever it holds
    return run;
  }
  double Value(const std::string& text, const std::string& series) {
    auto value = SampleValue(text, series);
    EXPECT_TRUE(value.has_value()) << series << " missing in\n" << text;
    return value.value_or(-1);
  }

  std::shared_ptr<FakeActivitySource> source_ = std::make_shared<FakeActivitySource>();
  testing::FakeIpcSyscalls syscalls_;
};

TEST_F(ActivityCollectorTest, EachCounterReadsItsSlotOfTheRecord) {
  ObjectActivity sem = Object(ACTIVITY_SEM, 5);
  sem.counters.calls[0] = 100;
  sem.counters.errors[0][ACTIVITY_ERROR_EINTR] = 2;
  sem.counters.errors[0][ACTIVITY_ERROR_EIDRM] = 1;
  ObjectActivity queue = Object(ACTIVITY_MSG, 6);
  queue.counters.calls[ACTIVITY_FIRST] = 10;
  queue.counters.bytes[ACTIVITY_FIRST] = 640;
  queue.counters.calls[ACTIVITY_SECOND] = 9;
  queue.counters.bytes[ACTIVITY_SECOND] = 576;
  queue.counters.errors[ACTIVITY_SECOND][ACTIVITY_ERROR_ENOMSG] = 4;
  ObjectActivity segment = Object(ACTIVITY_SHM, 7);
  segment.counters.calls[ACTIVITY_FIRST] = 3;
  segment.counters.calls[ACTIVITY_SECOND] = 2;
  segment.counters.errors[ACTIVITY_FIRST][ACTIVITY_ERROR_EACCES] = 1;
  source_->objects = {segment, queue, sem};

  const std::string text = Collect().text;
  EXPECT_EQ(Value(text, "ipc_sem_array_operations_total{semid=\"5\"}"), 100);
  EXPECT_EQ(Value(text, "ipc_sem_array_failed_operations_total{semid=\"5\",error=\"EINTR\"}"), 2);
  EXPECT_EQ(Value(text, "ipc_sem_array_failed_operations_total{semid=\"5\",error=\"EIDRM\"}"), 1);
  EXPECT_FALSE(
      SampleValue(text, "ipc_sem_array_failed_operations_total{semid=\"5\",error=\"EAGAIN\"}"));
  EXPECT_EQ(Value(text, "ipc_msg_queue_sent_messages_total{msqid=\"6\"}"), 10);
  EXPECT_EQ(Value(text, "ipc_msg_queue_sent_bytes_total{msqid=\"6\"}"), 640);
  EXPECT_EQ(Value(text, "ipc_msg_queue_received_messages_total{msqid=\"6\"}"), 9);
  EXPECT_EQ(Value(text, "ipc_msg_queue_received_bytes_total{msqid=\"6\"}"), 576);
  EXPECT_EQ(Value(text,
                  "ipc_msg_queue_failed_operations_total{msqid=\"6\",operation=\"receive\","
                  "error=\"ENOMSG\"}"),
            4);
  EXPECT_EQ(Value(text, "ipc_shm_segment_attaches_total{shmid=\"7\"}"), 3);
  EXPECT_EQ(Value(text, "ipc_shm_segment_detaches_total{shmid=\"7\"}"), 2);
  EXPECT_EQ(Value(text,
                  "ipc_shm_segment_failed_operations_total{shmid=\"7\",operation=\"attach\","
                  "error=\"EACCES\"}"),
            1);
}

// Which bucket a wait of a given length lands in, as the BPF program files it (slot i: up to
// bound i, the last slot above 10 s).
struct WaitCase {
  size_t slot;
  const char* first_bucket_holding_it;  // the `le` of the first cumulative bucket counting it
  const char* last_bucket_without_it;   // and of the one before ("" for none)
};

class WaitHistogram : public ActivityCollectorTest,
                      public ::testing::WithParamInterface<WaitCase> {};

TEST_P(WaitHistogram, ASlotIsCountedFromItsBoundOn) {
  const WaitCase& wait = GetParam();
  ObjectActivity sem = Object(ACTIVITY_SEM, 5);
  sem.counters.blocked[0] = 1;
  sem.counters.wait_ns[0] = 300'000'000;
  sem.counters.wait_slots[0][wait.slot] = 1;
  source_->objects = {sem};
  const std::string text = Collect().text;
  auto bucket = [&](const std::string& le) {
    return Value(text, "ipc_sem_array_wait_seconds_bucket{semid=\"5\",le=\"" + le + "\"}");
  };
  EXPECT_EQ(bucket(wait.first_bucket_holding_it), 1);
  if (*wait.last_bucket_without_it != '\0') {
    EXPECT_EQ(bucket(wait.last_bucket_without_it), 0);
  }
  EXPECT_EQ(bucket("+Inf"), 1);
  EXPECT_EQ(Value(text, "ipc_sem_array_wait_seconds_count{semid=\"5\"}"), 1);
  EXPECT_DOUBLE_EQ(Value(text, "ipc_sem_array_wait_seconds_sum{semid=\"5\"}"), 0.3);
}

INSTANTIATE_TEST_SUITE_P(Slots, WaitHistogram,
                         ::testing::Values(WaitCase{0, "1e-05", ""},
                                           WaitCase{14, "0.5", "0.25"},  // a 300 ms wait
                                           WaitCase{18, "10", "5"}, WaitCase{19, "+Inf", "10"}));

TEST_F(ActivityCollectorTest, EveryQueueHasSendAndReceiveWaitHistograms) {
  ObjectActivity queue = Object(ACTIVITY_MSG, 6);
  queue.counters.blocked[ACTIVITY_FIRST] = 2;
  queue.counters.wait_slots[ACTIVITY_FIRST][12] = 2;  // senders: up to 100 ms
  queue.counters.blocked[ACTIVITY_SECOND] = 1;
  queue.counters.wait_slots[ACTIVITY_SECOND][6] = 1;  // a receiver: up to 1 ms
  source_->objects = {queue};
  const std::string text = Collect().text;
  EXPECT_EQ(Value(text, "ipc_msg_queue_send_wait_seconds_bucket{msqid=\"6\",le=\"0.1\"}"), 2);
  EXPECT_EQ(Value(text, "ipc_msg_queue_send_wait_seconds_bucket{msqid=\"6\",le=\"0.05\"}"), 0);
  EXPECT_EQ(Value(text, "ipc_msg_queue_receive_wait_seconds_bucket{msqid=\"6\",le=\"0.001\"}"), 1);
  EXPECT_EQ(Value(text, "ipc_msg_queue_receive_wait_seconds_count{msqid=\"6\"}"), 1);
}

TEST_F(ActivityCollectorTest, AnObjectWhoseCallsNeverBlockedHasNoHistogram) {
  ObjectActivity sem = Object(ACTIVITY_SEM, 5);
  sem.counters.calls[0] = 100;
  ObjectActivity queue = Object(ACTIVITY_MSG, 6);
  queue.counters.blocked[ACTIVITY_SECOND] = 1;  // a receiver waited, no sender did
  queue.counters.wait_slots[ACTIVITY_SECOND][0] = 1;
  source_->objects = {sem, queue};
  Collection run = Collect();
  EXPECT_EQ(run.text.find("ipc_sem_array_wait_seconds"), std::string::npos);
  EXPECT_EQ(run.text.find("ipc_msg_queue_send_wait_seconds"), std::string::npos);
  EXPECT_EQ(Value(run.text, "ipc_msg_queue_receive_wait_seconds_count{msqid=\"6\"}"), 1);
  // Within a cap, an object is counted with the series it has: 1 for the array, 4 counters
  // and one histogram (22) for the queue.
  EXPECT_EQ(Collect(0, /*max_series=*/27).report.series_dropped, 0u);
  EXPECT_EQ(Collect(0, /*max_series=*/26).report.series_dropped, 26u);
}

TEST_F(ActivityCollectorTest, RemovedObjectsAreForgottenWithoutAStatAfterTheirLastScrape) {
  source_->objects = {Object(ACTIVITY_SEM, 1), Object(ACTIVITY_SEM, 2)};
  ActivityEvent removal;
  removal.ipc_namespace = kOwnInode;
  removal.kind = ACTIVITY_SEM;
  removal.type = ACTIVITY_REMOVED;
  removal.id = 2;
  source_->events.Add(removal);
  const uint64_t reads_before = *syscalls_.object_reads;
  const std::string text = Collect().text;
  EXPECT_EQ(Value(text, "ipc_sem_array_operations_total{semid=\"2\"}"), 0);  // its last scrape
  ASSERT_EQ(source_->forgotten.size(), 1u);
  EXPECT_EQ(source_->forgotten[0].id, 2);
  EXPECT_EQ(*syscalls_.object_reads, reads_before + 1);  // a stat for array 1 only
}

TEST_F(ActivityCollectorTest, ExistenceIsCheckedForAFewHundredObjectsPerScrapeInTurns) {
  for (int32_t id = 0; id < 600; ++id) {
    source_->objects.push_back(Object(ACTIVITY_SHM, id));
    syscalls_.gone_objects.insert({SysvObjectKind::kSegment, id});
  }
  Collect();  // 600 objects, at most 256 a scrape: every third, starting with the first
  ASSERT_EQ(source_->forgotten.size(), 200u);
  EXPECT_EQ(source_->forgotten[0].id, 0);
  EXPECT_EQ(source_->forgotten[1].id, 3);
  source_->forgotten.clear();
  Collect();  // the next turn: the second of every three
  ASSERT_EQ(source_->forgotten.size(), 200u);
  EXPECT_EQ(source_->forgotten[0].id, 1);
}

TEST_F(ActivityCollectorTest, ReadsOnlyItsOwnNamespace) {
  source_->objects = {Object(ACTIVITY_SEM, 1), Object(ACTIVITY_SEM, 2, 4026532000)};
  const std::string own = Collect(0).text;
  EXPECT_TRUE(SampleValue(own, "ipc_sem_array_operations_total{semid=\"1\"}"));
  EXPECT_FALSE(SampleValue(own, "ipc_sem_array_operations_total{semid=\"2\"}"));
  const std::string other = Collect(4026532000).text;
  EXPECT_TRUE(SampleValue(other, "ipc_sem_array_operations_total{semid=\"2\"}"));
  // The tracing's own state is the exporter's, published once, with its own namespace.
  EXPECT_TRUE(SampleValue(own, "ipc_exporter_activity_enabled{reason=\"\"}"));
  EXPECT_FALSE(SampleValue(other, "ipc_exporter_activity_enabled{reason=\"\"}"));
}

TEST_F(ActivityCollectorTest, ObjectsThatAreGoneArePublishedOnceThenForgotten) {
  source_->objects = {Object(ACTIVITY_SEM, 1), Object(ACTIVITY_MSG, 1), Object(ACTIVITY_SHM, 9)};
  syscalls_.gone_objects = {{SysvObjectKind::kQueue, 1}, {SysvObjectKind::kSegment, 9}};
  const std::string text = Collect().text;
  EXPECT_TRUE(SampleValue(text, "ipc_msg_queue_sent_messages_total{msqid=\"1\"}"));
  ASSERT_EQ(source_->forgotten.size(), 2u);
  EXPECT_EQ(source_->forgotten[0].kind, ACTIVITY_MSG);
  EXPECT_EQ(source_->forgotten[1].kind, ACTIVITY_SHM);
  EXPECT_EQ(source_->forgotten[1].id, 9);
}

TEST_F(ActivityCollectorTest, MaxSeriesLeavesWholeObjectsOutAndCountsTheirSeries) {
  source_->objects = {Object(ACTIVITY_SHM, 1), Object(ACTIVITY_SHM, 2), Object(ACTIVITY_SHM, 3)};
  Collection run = Collect(0, /*max_series=*/5);  // a segment takes two series
  EXPECT_TRUE(SampleValue(run.text, "ipc_shm_segment_attaches_total{shmid=\"2\"}"));
  EXPECT_FALSE(SampleValue(run.text, "ipc_shm_segment_attaches_total{shmid=\"3\"}"));
  EXPECT_EQ(run.report.series_dropped, 2u);
}

TEST_F(ActivityCollectorTest, LifecycleCountsStartAtZeroAndNameTheRemover) {
  ActivityEvent removal;
  removal.ipc_namespace = kOwnInode;
  removal.kind = ACTIVITY_SHM;
  removal.type = ACTIVITY_REMOVED;
  removal.command = "ipcrm";
  source_->events.Add(removal);
  const std::string text = Collect().text;
  EXPECT_EQ(Value(text, "ipc_activity_objects_created_total{kind=\"sem\"}"), 0);
  EXPECT_EQ(Value(text, "ipc_activity_objects_changed_total{kind=\"msg\"}"), 0);
  EXPECT_EQ(Value(text, "ipc_activity_objects_removed_total{kind=\"shm\",command=\"ipcrm\"}"), 1);
}

TEST_F(ActivityCollectorTest, TracingThatCouldNotStartSaysWhyAndPublishesNothingElse) {
  source_->running = false;
  source_->objects = {Object(ACTIVITY_SEM, 1)};
  const std::string text = Collect().text;
  EXPECT_EQ(Value(text, "ipc_exporter_activity_enabled{reason=\"no CAP_BPF\"}"), 0);
  EXPECT_EQ(text.find("ipc_sem_array_operations_total"), std::string::npos);
}

TEST_F(ActivityCollectorTest, TheTracingCostsAreTheSourcesFigures) {
  source_->stats = {.events_lost = 3,
                    .objects_untracked = 4,
                    .calls_untracked = 5,
                    .map_bytes = 6000,
                    .objects_tracked = 7};
  const std::string text = Collect().text;
  EXPECT_EQ(Value(text, "ipc_exporter_activity_map_bytes"), 6000);
  EXPECT_EQ(Value(text, "ipc_exporter_activity_events_lost_total"), 3);
  EXPECT_EQ(Value(text, "ipc_exporter_activity_untracked_calls_total{reason=\"object_map_full\"}"),
            4);
  EXPECT_EQ(Value(text, "ipc_exporter_activity_untracked_calls_total{reason=\"call_map_full\"}"),
            5);
  EXPECT_EQ(Value(text, "ipc_exporter_activity_objects_tracked"), 7);
}

}  // namespace
}  // namespace ipc_exporter
