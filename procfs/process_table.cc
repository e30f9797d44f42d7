#include "procfs/process_table.h"

#include <unistd.h>

#include <cmath>

#include "procfs/process_stat.h"

namespace ipc_exporter {
namespace {

// Event times are whole seconds and the boot time is rounded too: a process that started within
// this margin after a recorded event is still taken to be the one that did it.
constexpr double kClockSlackSeconds = 1.0;

bool StartedAfter(double start_time, int64_t event_time) {
  return event_time > 0 && start_time > 0 &&
         start_time > static_cast<double>(event_time) + kClockSlackSeconds;
}

}  // namespace

ProcessTable::ProcessTable(const ProcFs& proc, DiagnosisMemory* memory)
    : proc_(proc), memory_(memory) {
  try {
    std::optional<std::string> stat = proc_.ReadFileIfExists("stat");
    if (stat) {
      std::optional<uint64_t> boot = ParseBootTime(*stat);
      if (boot) boot_time_ = static_cast<double>(*boot);
    }
    // With hidepid (or a foreign pid namespace) even pid 1 is invisible: then a missing pid
    // proves nothing, and must read as unknown rather than dead.
    hidden_processes_ = !proc_.ReadFileIfExists("1/stat").has_value();
  } catch (const ProcFsError&) {
    hidden_processes_ = true;
  }
}

std::optional<ProcessTable::Process>& ProcessTable::Find(int32_t pid) {
  auto it = processes_.find(pid);
  if (it != processes_.end()) return it->second;
  std::optional<Process> process;
  try {
    std::optional<std::string> text = proc_.ReadFileIfExists(std::to_string(pid) + "/stat");
    std::optional<ProcessStat> stat = text ? ParseProcessStat(*text) : std::nullopt;
    if (stat) {
      process = Process{};
      process->command = stat->command;
      process->parent_pid = stat->parent_pid;
      process->exited = stat->state == 'Z' || stat->state == 'X';
      if (boot_time_) {
        static const double kTicks = static_cast<double>(::sysconf(_SC_CLK_TCK));
        process->start_time = *boot_time_ + static_cast<double>(stat->start_ticks) / kTicks;
      }
    }
  } catch (const ProcFsError&) {
    // Unreadable is treated as absent below, and absent reads as unknown where pids are hidden.
  }
  return processes_.emplace(pid, std::move(process)).first->second;
}

void ProcessTable::Remember(int32_t pid, Process& process) {
  if (memory_ == nullptr || process.remembered) return;
  process.remembered = true;
  DiagnosisMemory::Process memory;
  memory.start_time = process.start_time;
  memory.command = process.command;
  try {
    std::optional<std::string> status = proc_.ReadFileIfExists(std::to_string(pid) + "/status");
    std::optional<ProcessUids> uids = status ? ParseStatusUids(*status) : std::nullopt;
    if (!uids) return;  // exited meanwhile: nothing trustworthy to keep
    memory.uid = uids->effective;
  } catch (const ProcFsError&) {
    return;
  }
  memory_->Remember(pid, std::move(memory));
}

Liveness ProcessTable::Check(int32_t pid, int64_t event_time) {
  if (pid <= 0) return Liveness::kUnknown;
  std::optional<Process>& process = Find(pid);
  if (!process) return hidden_processes_ ? Liveness::kUnknown : Liveness::kDead;
  if (process->exited) return Liveness::kDead;
  if (StartedAfter(process->start_time, event_time)) {
    return Liveness::kDead;  // a newer process wears the old pid
  }
  if (event_time > 0 && process->start_time == 0)
    return Liveness::kUnknown;  // cannot rule out reuse
  Remember(pid, *process);
  return Liveness::kAlive;
}

std::optional<std::string> ProcessTable::Command(int32_t pid) {
  if (pid <= 0) return std::nullopt;
  const std::optional<Process>& process = Find(pid);
  if (!process || process->exited) return std::nullopt;
  return process->command;
}

std::optional<DiagnosisMemory::Process> ProcessTable::Recall(int32_t pid,
                                                             int64_t event_time) const {
  if (memory_ == nullptr || pid <= 0) return std::nullopt;
  std::optional<DiagnosisMemory::Process> remembered = memory_->Recall(pid);
  if (!remembered || StartedAfter(remembered->start_time, event_time)) return std::nullopt;
  return remembered;
}

std::optional<std::string> ProcessTable::CommandOf(int32_t pid, int64_t event_time) {
  if (Check(pid, event_time) == Liveness::kAlive) return Command(pid);
  if (std::optional<DiagnosisMemory::Process> remembered = Recall(pid, event_time)) {
    return remembered->command;
  }
  return std::nullopt;
}

void ProcessTable::ReadUsers() {
  running_users_.emplace();
  const int32_t self = ::getpid();
  std::vector<int32_t> pids;
  try {
    pids = proc_.ListPids();
  } catch (const ProcFsError&) {
    // Nothing listed: no user is known to run anything.
  }
  for (int32_t pid : pids) {
    if (pid == self) continue;  // the exporter is nobody's application
    try {
      std::optional<std::string> status = proc_.ReadFileIfExists(std::to_string(pid) + "/status");
      if (!status || status->find("\nState:\tZ") != std::string::npos) continue;
      std::optional<ProcessUids> uids = ParseStatusUids(*status);
      if (!uids) continue;
      running_users_->insert(uids->real);
      running_users_->insert(uids->effective);
      if (!pool_worker_of_user_.contains(uids->effective) && PoolParent(pid)) {
        pool_worker_of_user_[uids->effective] = pid;
      }
    } catch (const ProcFsError&) {
      // Exited since the listing, or unreadable: it runs as nobody we can name.
    }
  }
}

bool ProcessTable::UserRuns(uint32_t uid) {
  if (!running_users_) ReadUsers();
  return running_users_->contains(uid);
}

std::optional<DiagnosisMemory::ProcessIdentity> ProcessTable::PoolParentOfUser(uint32_t uid) {
  if (!running_users_) ReadUsers();
  auto it = pool_worker_of_user_.find(uid);
  if (it == pool_worker_of_user_.end()) return std::nullopt;
  return PoolParent(it->second);
}

std::optional<DiagnosisMemory::ProcessIdentity> ProcessTable::PoolParent(int32_t pid) {
  if (pid <= 0) return std::nullopt;
  const std::optional<Process>& child = Find(pid);
  if (!child || child->exited || child->parent_pid <= 1) return std::nullopt;
  const int32_t parent_pid = child->parent_pid;
  const std::string command = child->command;
  const std::optional<Process>& parent = Find(parent_pid);  // may rehash: `child` is stale now
  if (!parent || parent->exited || parent->command != command || parent->start_time == 0) {
    return std::nullopt;
  }
  return DiagnosisMemory::ProcessIdentity{parent_pid, parent->start_time};
}

bool ProcessTable::Runs(DiagnosisMemory::ProcessIdentity process) {
  if (process.pid <= 0) return false;
  const std::optional<Process>& found = Find(process.pid);
  // Start times from /proc/PID/stat are exact to a clock tick; half a second tells two apart.
  return found && !found->exited && std::abs(found->start_time - process.start_time) < 0.5;
}

std::optional<DiagnosisMemory::ProcessIdentity> ProcessTable::PoolParentToRemember(
    std::span<const int32_t> users_now, uint32_t owner,
    DiagnosisMemory::ProcessIdentity remembered) {
  if (Runs(remembered)) return std::nullopt;
  for (int32_t pid : users_now) {
    if (std::optional<DiagnosisMemory::ProcessIdentity> parent = PoolParent(pid)) return parent;
  }
  if (owner == 0) return std::nullopt;
  return PoolParentOfUser(owner);
}

Liveness ProcessTable::Application(std::span<const PidEvent> gone, std::span<const uint32_t> users,
                                   DiagnosisMemory::ProcessIdentity pool_parent) {
  if (hidden_processes_) return Liveness::kUnknown;
  if (Runs(pool_parent)) return Liveness::kAlive;
  for (const PidEvent& event : gone) {
    std::optional<DiagnosisMemory::Process> remembered = Recall(event.pid, event.time);
    if (remembered && remembered->uid != 0 && UserRuns(remembered->uid)) return Liveness::kAlive;
  }
  for (uint32_t uid : users) {
    if (uid != 0 && UserRuns(uid)) return Liveness::kAlive;
  }
  return Liveness::kDead;
}

}  // namespace ipc_exporter
