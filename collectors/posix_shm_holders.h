#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "proc_fs.h"

namespace ipc_exporter {

/// The inodes of the files of device `major`:`minor` that a /proc/PID/maps text maps, each
/// once, ascending. The device is printed in hex ("00:1a"), the inode in decimal. Pure.
std::vector<uint64_t> ParseMappedInodes(std::string_view maps, uint32_t major, uint32_t minor);

/// Which processes map or hold open the files of one filesystem (a /dev/shm).
struct FileHolders {
  std::unordered_map<uint64_t, uint64_t> processes_by_inode;  // each process counted once
  uint64_t unreadable_processes = 0;  // maps or fd refused (no ptrace access to them)
};

/// Reads /proc/PID/maps and /proc/PID/fd of every process under the proc root and counts, for
/// each file of `device`, the processes that map it or have it open. Processes that exit
/// meanwhile are skipped; those we may not read are counted, since what they hold is unknown.
FileHolders FindFileHolders(const ProcFs& proc, dev_t device);

}  // namespace ipc_exporter
