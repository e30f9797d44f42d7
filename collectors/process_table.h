#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "proc_fs.h"

namespace ipc_exporter {

/// What can be said of a pid found in an IPC table.
enum class Liveness {
  kUnknown,  // pid 0 (not visible from our pid namespace) or processes hidden from us
  kDead,     // no such process, a zombie, or the pid was reused by a later process
  kAlive,    // a process with that pid runs and started no later than the recorded event
};

/// One scrape's view of the processes under the proc root. Each pid is read at most once
/// (/proc/PID/stat), whatever the number of objects naming it, and /proc/stat once for the boot
/// time. Not thread-safe: one table per collector run.
class ProcessTable {
 public:
  explicit ProcessTable(const ProcFs& proc);

  /// Whether `pid` is the process that did something at `event_time` (Unix seconds; 0 = not
  /// known, which skips the pid-reuse check). A process that started after the event cannot
  /// have done it: the pid was reused.
  Liveness Check(int32_t pid, int64_t event_time);

  /// The command (comm) of `pid` if it runs, else nullopt.
  std::optional<std::string> Command(int32_t pid);

 private:
  struct Process {
    double start_time = 0;  // Unix seconds; 0 if the boot time could not be read
    std::string command;
    bool exited = false;  // zombie or dead
  };

  /// nullopt: no such process (or unreadable).
  const std::optional<Process>& Find(int32_t pid);

  const ProcFs& proc_;
  std::optional<double> boot_time_;
  bool hidden_processes_ = false;
  std::unordered_map<int32_t, std::optional<Process>> processes_;
};

}  // namespace ipc_exporter
