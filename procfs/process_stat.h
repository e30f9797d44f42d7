#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ipc_exporter {

/// The fields of /proc/PID/stat this project uses. Times in clock ticks, as the kernel counts.
struct ProcessStat {
  std::string command;          // field 2, comm, without the parentheses
  char state = '?';             // field 3: R, S, D, Z (zombie), X (dead), ...
  int32_t parent_pid = 0;       // field 4, ppid
  uint64_t user_ticks = 0;      // field 14, utime
  uint64_t system_ticks = 0;    // field 15, stime
  uint64_t start_ticks = 0;     // field 22, starttime: ticks after boot
  uint64_t virtual_bytes = 0;   // field 23, vsize
  uint64_t resident_pages = 0;  // field 24, rss
};

/// Parses /proc/PID/stat. The command may hold spaces and parentheses, so the fields are counted
/// from the last ')'. Returns nullopt for anything malformed. Pure.
std::optional<ProcessStat> ParseProcessStat(std::string_view text);

/// The real and effective user ids from the "Uid:" line of /proc/PID/status. Pure. (The owner
/// of /proc/PID is no guide: a process that changed its user without exec, like a server's
/// worker, is not dumpable and its /proc/PID belongs to root.)
struct ProcessUids {
  uint32_t real = 0;
  uint32_t effective = 0;
};
std::optional<ProcessUids> ParseStatusUids(std::string_view text);

/// Reads `btime` (boot time, Unix seconds) from the text of /proc/stat. Pure.
std::optional<uint64_t> ParseBootTime(std::string_view text);

}  // namespace ipc_exporter
