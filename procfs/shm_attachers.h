#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "procfs/proc_fs.h"
#include "procfs/process_table.h"

namespace ipc_exporter {

/// One process attaching one System V shared memory segment.
struct ShmAttacher {
  int32_t shmid = 0;
  int32_t pid = 0;
  std::string command;
};

/// The shmids that a /proc/PID/maps text shows attached, each once, ascending. An attached SysV
/// segment maps as "/SYSV%08x" (with " (deleted)") and the mapping's inode is the shmid. Pure.
std::vector<int32_t> ParseSysvAttachments(std::string_view maps);

/// Reads /proc/PID/maps of every process under the proc root. Processes that exit meanwhile or
/// whose maps we may not read (no ptrace access to them) are skipped: their attachments are not
/// listed. Sorted by shmid, then pid.
std::vector<ShmAttacher> ScanShmAttachers(const ProcFs& proc, ProcessTable& processes);

}  // namespace ipc_exporter
