#include "process_table.h"

#include <unistd.h>

#include "process_stat.h"

namespace ipc_exporter {
namespace {

// Event times are whole seconds and the boot time is rounded too: a process that started within
// this margin after a recorded event is still taken to be the one that did it.
constexpr double kClockSlackSeconds = 1.0;

}  // namespace

ProcessTable::ProcessTable(const ProcFs& proc) : proc_(proc) {
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

const std::optional<ProcessTable::Process>& ProcessTable::Find(int32_t pid) {
  auto it = processes_.find(pid);
  if (it != processes_.end()) return it->second;
  std::optional<Process> process;
  try {
    std::optional<std::string> text = proc_.ReadFileIfExists(std::to_string(pid) + "/stat");
    std::optional<ProcessStat> stat = text ? ParseProcessStat(*text) : std::nullopt;
    if (stat) {
      process = Process{};
      process->command = stat->command;
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

Liveness ProcessTable::Check(int32_t pid, int64_t event_time) {
  if (pid <= 0) return Liveness::kUnknown;
  const std::optional<Process>& process = Find(pid);
  if (!process) return hidden_processes_ ? Liveness::kUnknown : Liveness::kDead;
  if (process->exited) return Liveness::kDead;
  if (event_time > 0 && process->start_time > 0 &&
      process->start_time > static_cast<double>(event_time) + kClockSlackSeconds) {
    return Liveness::kDead;  // a newer process wears the old pid
  }
  if (event_time > 0 && process->start_time == 0)
    return Liveness::kUnknown;  // cannot rule out reuse
  return Liveness::kAlive;
}

std::optional<std::string> ProcessTable::Command(int32_t pid) {
  if (pid <= 0) return std::nullopt;
  const std::optional<Process>& process = Find(pid);
  if (!process || process->exited) return std::nullopt;
  return process->command;
}

}  // namespace ipc_exporter
