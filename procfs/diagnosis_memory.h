#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ipc_exporter {

/// What the diagnosis remembers from one scrape to the next, because the kernel forgets it:
/// the processes it saw alive (after a process exits, its command and user are gone from /proc,
/// yet they name the program that created a leaked segment and the application it belonged to), and
/// the earliest creation time each object can have had (IPC_SET moves an object's ctime, which
/// would let a newer process wearing the creator's pid pass for it).
///
/// Bounded: at most kMaxProcesses processes (the oldest memories go first), and creation bounds
/// only for the objects of the last scrape. Thread-safe: collectors of several IPC namespaces
/// share one.
class DiagnosisMemory {
 public:
  static constexpr size_t kMaxProcesses = 16384;

  /// A process as it was last seen alive.
  struct Process {
    double start_time = 0;  // Unix seconds
    std::string command;
    uint32_t uid = 0;  // effective
  };

  void Remember(int32_t pid, Process process);

  /// The last process seen alive with this pid, whatever became of it since.
  std::optional<Process> Recall(int32_t pid) const;

  /// A process by pid and start time, which together name it for good.
  struct ProcessIdentity {
    int32_t pid = 0;
    double start_time = 0;
  };

  /// What is remembered of one object.
  struct Object {
    int64_t created_no_later_than = 0;  // Unix seconds
    // The parent of a pre-forked worker (a child running its parent's program) seen using the
    // object: while it runs, the pool lives, even at a moment when every worker is being
    // replaced. pid 0: none seen.
    ProcessIdentity pool_parent;
  };

  /// For the objects of one kind (`kind`: 'm', 's', 'q') in one IPC namespace, in the current
  /// scrape: each object's id and the latest moment it can have been created according to the
  /// kernel now. Returns, in the same order, what is remembered of each, its creation bound
  /// being the earliest seen in any scrape and never later than the scrape in which the object
  /// was first seen (`now`). Objects not in the list are forgotten.
  std::vector<Object> Objects(uint64_t ipc_namespace, char kind,
                              const std::vector<std::pair<int32_t, int64_t>>& objects, int64_t now);

  /// Remembers the pool parent of an object listed in the last Objects() call.
  void RememberPoolParent(uint64_t ipc_namespace, char kind, int32_t id, ProcessIdentity parent);

 private:
  mutable std::mutex mutex_;
  uint64_t sequence_ = 0;  // when each process was remembered, to forget the oldest
  std::unordered_map<int32_t, std::pair<uint64_t, Process>> processes_;
  std::map<std::pair<uint64_t, char>, std::unordered_map<int32_t, Object>> objects_;
};

}  // namespace ipc_exporter
