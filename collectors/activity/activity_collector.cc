#include "collectors/activity/activity_collector.h"

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <vector>

#include "bpf/activity_source.h"
#include "exposition/series_cap.h"

namespace ipc_exporter {
namespace {

constexpr std::array<uint64_t, ACTIVITY_WAIT_BOUNDS> kWaitBoundsNs = ACTIVITY_WAIT_BOUNDS_NS;

const std::array<double, ACTIVITY_WAIT_BOUNDS>& WaitBoundsSeconds() {
  static const std::array<double, ACTIVITY_WAIT_BOUNDS> seconds = [] {
    std::array<double, ACTIVITY_WAIT_BOUNDS> bounds{};
    for (size_t i = 0; i < bounds.size(); ++i)
      bounds[i] = static_cast<double>(kWaitBoundsNs[i]) / 1e9;
    return bounds;
  }();
  return seconds;
}

constexpr std::array<const char*, ACTIVITY_ERRORS> kErrorNames = {
    "EAGAIN", "EINTR", "EIDRM", "ENOMSG", "EINVAL", "EACCES", "E2BIG", "other"};

const char* KindName(uint32_t kind) {
  switch (kind) {
    case ACTIVITY_SEM:
      return "sem";
    case ACTIVITY_MSG:
      return "msg";
    default:
      return "shm";
  }
}

SysvObjectKind SysvKind(uint32_t kind) {
  switch (kind) {
    case ACTIVITY_SEM:
      return SysvObjectKind::kSemaphoreArray;
    case ACTIVITY_MSG:
      return SysvObjectKind::kQueue;
    default:
      return SysvObjectKind::kSegment;
  }
}

/// The per-object families of one kind of object: which direction each counter reads.
struct Direction {
  const char* operation;  // the `operation` label of failed calls ("" for semop: one kind)
  const char* calls_family;
  const char* calls_help;
  const char* bytes_family;  // nullptr: no bytes
  const char* bytes_help;
  const char* wait_family;  // nullptr: calls that cannot block
  const char* wait_help;
};

struct KindFamilies {
  uint32_t kind;
  const char* id_label;
  const char* failed_family;
  const char* failed_help;
  std::vector<Direction> directions;
};

const std::vector<KindFamilies>& AllKindFamilies() {
  static const std::vector<KindFamilies> kinds = {
      {ACTIVITY_SEM,
       "semid",
       "ipc_sem_array_failed_operations_total",
       "semop and semtimedop calls on the array that failed, by error, since the exporter began "
       "tracing (eBPF, --collector.activity).",
       {{"", "ipc_sem_array_operations_total",
         "Successful semop and semtimedop calls on the array since the exporter began tracing "
         "(eBPF, --collector.activity).",
         nullptr, nullptr, "ipc_sem_array_wait_seconds",
         "Time semop and semtimedop calls on the array spent blocked, for calls that blocked "
         "(whatever their outcome; _count is the calls that blocked) (eBPF, "
         "--collector.activity)."}}},
      {ACTIVITY_MSG,
       "msqid",
       "ipc_msg_queue_failed_operations_total",
       "msgsnd (operation send) and msgrcv (receive) calls on the queue that failed, by error, "
       "since the exporter began tracing (eBPF, --collector.activity).",
       {{"send", "ipc_msg_queue_sent_messages_total",
         "Messages sent to the queue (successful msgsnd) since the exporter began tracing "
         "(eBPF, --collector.activity).",
         "ipc_msg_queue_sent_bytes_total",
         "Bytes of the messages sent to the queue since the exporter began tracing (eBPF, "
         "--collector.activity).",
         "ipc_msg_queue_send_wait_seconds",
         "Time msgsnd calls on the queue spent blocked on a full queue, for calls that blocked "
         "(eBPF, --collector.activity)."},
        {"receive", "ipc_msg_queue_received_messages_total",
         "Messages received from the queue (successful msgrcv) since the exporter began tracing "
         "(eBPF, --collector.activity).",
         "ipc_msg_queue_received_bytes_total",
         "Bytes of the messages received from the queue since the exporter began tracing (eBPF, "
         "--collector.activity).",
         "ipc_msg_queue_receive_wait_seconds",
         "Time msgrcv calls on the queue spent blocked waiting for a message, for calls that "
         "blocked (eBPF, --collector.activity)."}}},
      {ACTIVITY_SHM,
       "shmid",
       "ipc_shm_segment_failed_operations_total",
       "shmat (operation attach) and shmdt (detach) calls on the segment that failed, by error, "
       "since the exporter began tracing (eBPF, --collector.activity).",
       {{"attach", "ipc_shm_segment_attaches_total",
         "Successful shmat calls on the segment since the exporter began tracing (eBPF, "
         "--collector.activity).",
         nullptr, nullptr, nullptr, nullptr},
        {"detach", "ipc_shm_segment_detaches_total",
         "Successful shmdt calls on the segment since the exporter began tracing (its attaches "
         "by shmat while traced; a process that exits detaches without shmdt) (eBPF, "
         "--collector.activity).",
         nullptr, nullptr, nullptr, nullptr}}},
  };
  return kinds;
}

/// Whether an object has a wait histogram in direction `d`: only once a call there blocked (its
/// 22 series would otherwise all read 0). What is written and what the cap counts both ask here.
bool HasWaitHistogram(const Direction& direction, const activity_counters& counters, size_t d) {
  return direction.wait_family != nullptr && counters.blocked[d] > 0;
}

uint64_t FailedSeries(const activity_counters& counters, size_t directions) {
  uint64_t series = 0;
  for (size_t d = 0; d < directions; ++d) {
    for (uint64_t count : counters.errors[d]) series += count > 0 ? 1 : 0;
  }
  return series;
}

/// How many series an object's families take, for --collector.activity.max-series.
uint64_t SeriesOf(const ObjectActivity& object) {
  for (const KindFamilies& kind : AllKindFamilies()) {
    if (kind.kind != object.key.kind) continue;
    uint64_t series = FailedSeries(object.counters, kind.directions.size());
    for (size_t d = 0; d < kind.directions.size(); ++d) {
      const Direction& direction = kind.directions[d];
      series += 1;
      if (direction.bytes_family != nullptr) series += 1;
      if (HasWaitHistogram(direction, object.counters, d)) {
        series += ACTIVITY_WAIT_SLOTS + 2;  // the buckets, _sum, _count
      }
    }
    return series;
  }
  return 0;
}

void WriteKind(ExpositionWriter& out, const KindFamilies& kind,
               const std::vector<const ObjectActivity*>& objects) {
  std::vector<std::string> ids;
  ids.reserve(objects.size());
  for (const ObjectActivity* object : objects) ids.push_back(std::to_string(object->key.id));
  for (size_t d = 0; d < kind.directions.size(); ++d) {
    const Direction& direction = kind.directions[d];
    out.Family(direction.calls_family, direction.calls_help, MetricType::kCounter);
    for (size_t i = 0; i < objects.size(); ++i) {
      out.Sample({{kind.id_label, ids[i]}}, objects[i]->counters.calls[d]);
    }
    if (direction.bytes_family != nullptr) {
      out.Family(direction.bytes_family, direction.bytes_help, MetricType::kCounter);
      for (size_t i = 0; i < objects.size(); ++i) {
        out.Sample({{kind.id_label, ids[i]}}, objects[i]->counters.bytes[d]);
      }
    }
  }
  for (size_t d = 0; d < kind.directions.size(); ++d) {
    const Direction& direction = kind.directions[d];
    if (direction.wait_family == nullptr) continue;
    out.Family(direction.wait_family, direction.wait_help, MetricType::kHistogram);
    for (size_t i = 0; i < objects.size(); ++i) {
      const activity_counters& counters = objects[i]->counters;
      if (!HasWaitHistogram(direction, counters, d)) continue;
      const Label label{kind.id_label, ids[i]};
      out.HistogramSeries({&label, 1}, WaitBoundsSeconds(), counters.wait_slots[d],
                          static_cast<double>(counters.wait_ns[d]) / 1e9);
    }
  }
  out.Family(kind.failed_family, kind.failed_help, MetricType::kCounter);
  for (size_t i = 0; i < objects.size(); ++i) {
    for (size_t d = 0; d < kind.directions.size(); ++d) {
      for (size_t e = 0; e < ACTIVITY_ERRORS; ++e) {
        const uint64_t count = objects[i]->counters.errors[d][e];
        if (count == 0) continue;
        const Label with_operation[] = {{kind.id_label, ids[i]},
                                        {"operation", kind.directions[d].operation},
                                        {"error", kErrorNames[e]}};
        const Label without_operation[] = {{kind.id_label, ids[i]}, {"error", kErrorNames[e]}};
        if (kind.directions.size() > 1) {
          out.SampleWith(with_operation, count);
        } else {
          out.SampleWith(without_operation, count);
        }
      }
    }
  }
}

void WriteLifecycle(ExpositionWriter& out, const std::vector<LifecycleCount>& counts) {
  struct Type {
    activity_event_type type;
    const char* family;
    const char* help;
  };
  static const Type kTypes[] = {
      {ACTIVITY_CREATED, "ipc_activity_objects_created_total",
       "System V objects created (shmget, semget, msgget made a new one) since the exporter began "
       "tracing, by kind (eBPF, --collector.activity)."},
      {ACTIVITY_REMOVED, "ipc_activity_objects_removed_total",
       "System V objects removed with IPC_RMID since the exporter began tracing, by kind and the "
       "removing program's command (eBPF, --collector.activity)."},
      {ACTIVITY_CHANGED, "ipc_activity_objects_changed_total",
       "IPC_SET calls (owner, mode or queue size changed) since the exporter began tracing, by "
       "kind (eBPF, --collector.activity)."},
  };
  for (const Type& type : kTypes) {
    out.Family(type.family, type.help, MetricType::kCounter);
    for (uint32_t kind = 0; kind < ACTIVITY_KINDS; ++kind) {
      bool written = false;
      for (const LifecycleCount& count : counts) {
        if (count.type != type.type || count.kind != kind) continue;
        if (type.type == ACTIVITY_REMOVED) {
          out.Sample({{"kind", KindName(kind)}, {"command", count.command}}, count.count);
        } else {
          out.Sample({{"kind", KindName(kind)}}, count.count);
        }
        written = true;
      }
      // Created and changed start at 0, so that the first one is a rise rate() sees.
      if (!written && type.type != ACTIVITY_REMOVED) out.Sample({{"kind", KindName(kind)}}, 0);
    }
  }
}

void WriteTracingState(ExpositionWriter& out, const ActivitySource* source) {
  out.Family("ipc_exporter_activity_enabled",
             "1 if the kernel-side tracing of --collector.activity runs; 0 with the reason it "
             "could not start (the exporter serves everything else).");
  if (source == nullptr) {
    out.Sample({{"reason", "no tracing source"}}, 0);
    return;
  }
  out.Sample({{"reason", source->enabled() ? "" : source->why_disabled()}},
             source->enabled() ? 1 : 0);
}

void WriteTracingCosts(ExpositionWriter& out, const ActivityStats& stats) {
  out.Family("ipc_exporter_activity_map_bytes",
             "Kernel memory of the activity tracing's BPF maps (fixed when they load: "
             "--collector.activity.max-objects sizes the largest).");
  out.Sample({}, stats.map_bytes);
  out.Family("ipc_exporter_activity_objects_tracked",
             "Objects whose calls the kernel counts at present (entries of the object map).");
  out.Sample({}, stats.objects_tracked);
  out.Family("ipc_exporter_activity_events_lost_total",
             "Lifecycle events lost because the event ring was full (the traced call never "
             "waits for it).",
             MetricType::kCounter);
  out.Sample({}, stats.events_lost);
  out.Family("ipc_exporter_activity_untracked_calls_total",
             "IPC calls not counted: object_map_full (more objects than "
             "--collector.activity.max-objects), call_map_full (no memory for the thread's record "
             "of its call).",
             MetricType::kCounter);
  out.Sample({{"reason", "object_map_full"}}, stats.objects_untracked);
  out.Sample({{"reason", "call_map_full"}}, stats.calls_untracked);
}

class ActivityCollector final : public Collector {
 public:
  explicit ActivityCollector(const CollectorContext& context) : context_(context) {}

  void Collect(ExpositionWriter& out, CollectReport& report) override {
    const CollectorSettings& settings = context_.settings;
    ActivitySource* source = settings.activity.get();
    const bool own_namespace = settings.ipc_namespace == 0;
    if (own_namespace) WriteTracingState(out, source);
    if (source == nullptr || !source->enabled()) return;
    const uint32_t inode = source->NamespaceInode(settings.ipc_namespace);
    // Kept between scrapes (the own namespace's collector lives as long as the exporter), so
    // that a few megabytes of records are not faulted in afresh every time.
    source->ReadObjects(inode, settings.Collection(), &objects_);
    std::vector<const ObjectActivity*> objects(objects_.size());
    std::transform(objects_.begin(), objects_.end(), objects.begin(),
                   [](const ObjectActivity& object) { return &object; });
    std::sort(objects.begin(), objects.end(), [](const auto* a, const auto* b) {
      return std::tie(a->key.kind, a->key.id) < std::tie(b->key.kind, b->key.id);
    });
    WriteObjects(out, objects, settings.activity_max_series, &report.series_dropped);
    WriteLifecycle(out, source->log().Counts(inode));
    if (own_namespace) WriteTracingCosts(out, source->Stats());
    ForgetGone(*source, inode, objects);
  }

 private:
  static void WriteObjects(ExpositionWriter& out, const std::vector<const ObjectActivity*>& objects,
                           uint64_t max_series, uint64_t* dropped) {
    std::vector<uint64_t> series(objects.size());
    std::transform(objects.begin(), objects.end(), series.begin(),
                   [](const ObjectActivity* object) { return SeriesOf(*object); });
    const CapSelection kept =
        SelectWithinCap(series, std::vector<bool>(objects.size(), false), max_series);
    *dropped += kept.dropped_series;
    for (const KindFamilies& kind : AllKindFamilies()) {
      std::vector<const ObjectActivity*> of_kind;
      for (size_t i : kept.kept) {
        if (objects[i]->key.kind == kind.kind) of_kind.push_back(objects[i]);
      }
      WriteKind(out, kind, of_kind);
    }
  }

  /// Objects that were removed (or went with their namespace) have had their last scrape.
  /// Objects that went away have had their last scrape: those whose IPC_RMID the tracing saw,
  /// and those IPC_STAT finds gone (a removal whose event was lost, a segment destroyed by
  /// shm_rmid_forced), checked at most kSweepPerScrape at a time, in turns, so that a host with
  /// thousands of traced objects does not pay a syscall for each on every scrape.
  void ForgetGone(ActivitySource& source, uint32_t inode,
                  const std::vector<const ObjectActivity*>& objects) {
    std::set<std::pair<uint32_t, int32_t>> removed;
    for (const auto& [kind, id] : source.TakeRemoved(inode)) removed.emplace(kind, id);
    const size_t stride =
        std::max<size_t>(1, (objects.size() + kSweepPerScrape - 1) / kSweepPerScrape);
    const size_t turn = static_cast<size_t>(source.NextSweepTurn() % stride);
    std::vector<activity_key> gone;
    for (size_t i = 0; i < objects.size(); ++i) {
      const activity_key& key = objects[i]->key;
      if (removed.contains({key.kind, key.id})) {
        gone.push_back(key);
      } else if (i % stride == turn &&
                 context_.syscalls.StatSysvObject(SysvKind(key.kind), key.id).outcome ==
                     SyscallOutcome::kGone) {
        gone.push_back(key);
      }
    }
    if (!gone.empty()) source.Forget(gone);
  }
  static constexpr size_t kSweepPerScrape = 256;

  CollectorContext context_;
  std::vector<ObjectActivity> objects_;
};

}  // namespace

std::unique_ptr<Collector> CreateActivityCollector(const CollectorContext& context) {
  return std::make_unique<ActivityCollector>(context);
}

}  // namespace ipc_exporter
