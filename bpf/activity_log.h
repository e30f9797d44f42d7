#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "bpf/activity_abi.h"

namespace ipc_exporter {

/// A lifecycle event, decoded.
struct ActivityEvent {
  int64_t unix_time_ns = 0;
  int64_t process_start_unix_ns = 0;  // of the calling process: with its pid, names it for good
  uint32_t ipc_namespace = 0;
  activity_kind kind = ACTIVITY_SEM;
  activity_event_type type = ACTIVITY_CREATED;
  int32_t id = 0;
  uint32_t key = 0;  // of a created object; else as remembered from its creation, or 0
  uint32_t pid = 0;
  uint32_t parent_pid = 0;
  uint32_t uid = 0;
  std::string command;
  std::string parent_command;
  std::string cgroup;  // the leaf of the process's cgroup v2 path ("docker-ID.scope")
  uint64_t cgroup_id = 0;
};

/// Decodes a raw event; `boot_to_unix_ns` is CLOCK_REALTIME minus CLOCK_BOOTTIME. Pure.
ActivityEvent DecodeEvent(const activity_event& raw, int64_t boot_to_unix_ns);

/// How many objects of a kind were created, removed (by command) or changed in one namespace.
struct LifecycleCount {
  activity_kind kind = ACTIVITY_SEM;
  activity_event_type type = ACTIVITY_CREATED;
  std::string command;  // the remover's, for removals; "" otherwise
  uint64_t count = 0;
};

/// The lifecycle events the exporter keeps: the last `capacity` of them, the counts by kind
/// (and by remover), and who created each object still there, so that its creator stays known
/// after it exits. Bounded: at most `capacity` events and `max_creators` creators (the oldest
/// forgotten first); counts are kept per (namespace, kind, type, command), commands past
/// `max_commands` per namespace counted as "other". Thread-safe.
class ActivityLog {
 public:
  explicit ActivityLog(size_t capacity = 1000, size_t max_creators = 65536,
                       size_t max_commands = 100)
      : capacity_(capacity), max_creators_(max_creators), max_commands_(max_commands) {}

  void Add(ActivityEvent event);

  /// The kept events, newest last.
  std::vector<ActivityEvent> Recent() const;
  /// The counts of namespace `inode`, ordered by kind, type and command.
  std::vector<LifecycleCount> Counts(uint32_t inode) const;
  /// The objects of namespace `inode` removed (IPC_RMID) since the last call, as (kind, id):
  /// their counters have had their last scrape. At most max_creators are kept per namespace.
  std::vector<std::pair<activity_kind, int32_t>> TakeRemoved(uint32_t inode);
  /// Forgets the creator of an object that went away without an IPC_RMID (a segment destroyed
  /// at its last detach, a namespace that ended).
  void Forget(uint32_t inode, activity_kind kind, int32_t id);
  /// The creation event of an object created while the exporter traced, if it still exists.
  std::optional<ActivityEvent> Creator(uint32_t inode, activity_kind kind, int32_t id) const;

 private:
  using ObjectKey = std::tuple<uint32_t, int, int32_t>;          // namespace, kind, id
  using CountKey = std::tuple<uint32_t, int, int, std::string>;  // namespace, kind, type, command
  size_t capacity_;
  size_t max_creators_;
  size_t max_commands_;
  mutable std::mutex mutex_;
  std::deque<ActivityEvent> recent_;
  std::map<CountKey, uint64_t> counts_;
  std::map<uint32_t, size_t> commands_per_namespace_;
  struct Creation {
    ActivityEvent event;
    uint64_t sequence = 0;  // its place in creation_order_
  };
  std::map<ObjectKey, Creation> creators_;
  std::map<uint64_t, ObjectKey> creation_order_;  // oldest first, to forget past max_creators
  uint64_t next_sequence_ = 0;
  std::map<uint32_t, std::vector<std::pair<activity_kind, int32_t>>> removed_;
};

}  // namespace ipc_exporter
