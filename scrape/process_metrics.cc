#include "scrape/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include "collectors/object_families.h"
#include "procfs/proc_fs.h"
#include "procfs/process_stat.h"

namespace ipc_exporter {
namespace {

std::optional<uint64_t> CountOpenFds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  uint64_t count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count - 1;  // the descriptor opendir itself holds
}

std::optional<uint64_t> MaxFds() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::nullopt;
  return static_cast<uint64_t>(limit.rlim_cur);
}

}  // namespace

void WriteProcessMetrics(ExpositionWriter& out) {
  ProcFs proc("/proc");
  std::optional<ProcessStat> stat;
  std::optional<uint64_t> boot_time;
  try {
    stat = ParseProcessStat(proc.ReadFile("self/stat"));
    boot_time = ParseBootTime(proc.ReadFile("stat"));
  } catch (const ProcFsError&) {
    // Left out below; a scrape never fails for the exporter's own bookkeeping.
  }
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const uint64_t page_size = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));

  if (stat) {
    out.Family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
               MetricType::kCounter);
    out.Sample({}, static_cast<double>(stat->user_ticks + stat->system_ticks) / ticks);
  }
  WriteSingleGauge(out, "process_max_fds", "Maximum number of open file descriptors.", MaxFds());
  WriteSingleGauge(out, "process_open_fds", "Number of open file descriptors.", CountOpenFds());
  if (stat) {
    WriteSingleGauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
                     std::optional<uint64_t>(stat->resident_pages * page_size));
  }
  if (stat && boot_time) {
    WriteSingleGauge(out, "process_start_time_seconds",
                     "Start time of the process since unix epoch in seconds.",
                     std::optional<double>(static_cast<double>(*boot_time) +
                                           static_cast<double>(stat->start_ticks) / ticks));
  }
  if (stat) {
    WriteSingleGauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.",
                     std::optional<uint64_t>(stat->virtual_bytes));
  }
}

}  // namespace ipc_exporter
