#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "procfs/diagnosis_memory.h"
#include "procfs/proc_fs.h"

namespace ipc_exporter {

/// What can be said of a pid found in an IPC table.
enum class Liveness {
  kUnknown,  // pid 0 (not visible from our pid namespace) or processes hidden from us
  kDead,     // no such process, a zombie, or the pid was reused by a later process
  kAlive,    // a process with that pid runs and started no later than the recorded event
};

/// A pid an IPC table records, with the time of what it did there (Unix seconds, 0 = not known).
struct PidEvent {
  int32_t pid = 0;
  int64_t time = 0;
};

/// One scrape's view of the processes under the proc root. Each pid is read at most once
/// (/proc/PID/stat), whatever the number of objects naming it, and /proc/stat once for the boot
/// time; every process's user only if some object's application must be judged by it. With a
/// DiagnosisMemory, the processes found alive are remembered for later scrapes. Not
/// thread-safe: one table per collector run.
class ProcessTable {
 public:
  explicit ProcessTable(const ProcFs& proc, DiagnosisMemory* memory = nullptr);

  /// Whether `pid` is the process that did something at `event_time` (Unix seconds; 0 = not
  /// known, which skips the pid-reuse check). A process that started after the event cannot
  /// have done it: the pid was reused.
  Liveness Check(int32_t pid, int64_t event_time);

  /// The command (comm) of `pid` if it runs, else nullopt.
  std::optional<std::string> Command(int32_t pid);

  /// The command of the process that did something at `event_time` as pid `pid`: its current
  /// one while it runs, else the one remembered from an earlier scrape, else nullopt.
  std::optional<std::string> CommandOf(int32_t pid, int64_t event_time);

  /// Whether anybody of an object's application still runs once the processes the kernel
  /// recorded for it are gone (`gone`): the pool parent remembered for the object, or any process
  /// of one of `users` or of the remembered user of one of `gone`, root excepted (every host
  /// runs processes as root, so it proves nothing). kUnknown when processes are hidden from the
  /// exporter.
  Liveness Application(std::span<const PidEvent> gone, std::span<const uint32_t> users,
                       DiagnosisMemory::ProcessIdentity pool_parent = {});

  /// If `pid` runs and is a pre-forked worker, its parent: a process running the same program
  /// (command) that is not init. (Any other parent is no evidence of the application: a
  /// supervisor, a shell or cron outlives the programs that leak.)
  std::optional<DiagnosisMemory::ProcessIdentity> PoolParent(int32_t pid);

  /// The parent of a pre-forked worker running as `uid`, if one runs (the lowest pid found).
  std::optional<DiagnosisMemory::ProcessIdentity> PoolParentOfUser(uint32_t uid);

  /// The pool parent to remember for an object that its application uses now: the parent of the
  /// first of `users_now` (live processes using it) that is a pre-forked worker, else, for an
  /// owner other than root, the parent of a pre-forked worker of the owner. nullopt when there
  /// is none, or when `remembered` still runs (then nothing changes, and the owner's processes
  /// are not read for it).
  std::optional<DiagnosisMemory::ProcessIdentity> PoolParentToRemember(
      std::span<const int32_t> users_now, uint32_t owner,
      DiagnosisMemory::ProcessIdentity remembered);

  /// Whether the process named by pid and start time still runs.
  bool Runs(DiagnosisMemory::ProcessIdentity process);

  /// True when processes are hidden from the exporter (hidepid, another pid namespace's proc).
  bool hidden() const { return hidden_processes_; }

 private:
  struct Process {
    double start_time = 0;  // Unix seconds; 0 if the boot time could not be read
    std::string command;
    int32_t parent_pid = 0;
    bool exited = false;  // zombie or dead
    bool remembered = false;
  };

  /// nullopt: no such process (or unreadable).
  std::optional<Process>& Find(int32_t pid);
  void Remember(int32_t pid, Process& process);
  /// A remembered process that was the one acting at `event_time`.
  std::optional<DiagnosisMemory::Process> Recall(int32_t pid, int64_t event_time) const;
  bool UserRuns(uint32_t uid);

  const ProcFs& proc_;
  DiagnosisMemory* memory_;
  std::optional<double> boot_time_;
  bool hidden_processes_ = false;
  std::unordered_map<int32_t, std::optional<Process>> processes_;
  void ReadUsers();
  std::optional<std::unordered_set<uint32_t>> running_users_;  // read on first need
  std::unordered_map<uint32_t, int32_t> pool_worker_of_user_;  // uid -> a pool worker's pid
};

}  // namespace ipc_exporter
