#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "procfs/proc_fs.h"

namespace ipc_exporter {

/// A file, by the filesystem it is on and its inode.
struct FileId {
  dev_t device = 0;
  uint64_t inode = 0;
  bool operator==(const FileId&) const = default;
  bool operator<(const FileId& other) const {
    return device != other.device ? device < other.device : inode < other.inode;
  }
};

struct FileIdHash {
  size_t operator()(const FileId& file) const {
    return std::hash<uint64_t>()(file.inode * 0x9e3779b97f4a7c15ULL ^ file.device);
  }
};

/// The files on one of `devices` (sorted) that a /proc/PID/maps text maps, each once, sorted.
/// The device is printed in hex ("00:1a"), the inode in decimal. Pure.
std::vector<FileId> ParseMappedFiles(std::string_view maps, const std::vector<dev_t>& devices);

/// Which processes map or hold open the files of some filesystems (the /dev/shm of each
/// namespace).
struct FileHolders {
  std::unordered_map<FileId, uint64_t, FileIdHash> processes_by_file;  // each process once
  uint64_t unreadable_processes = 0;  // maps or fd refused (no ptrace access to them)

  uint64_t ProcessesOf(const FileId& file) const {
    auto found = processes_by_file.find(file);
    return found == processes_by_file.end() ? 0 : found->second;
  }
};

/// Reads /proc/PID/maps and /proc/PID/fd of every process under the proc root once and counts,
/// for each file on one of `devices`, the processes that map it or have it open. Processes that
/// exit meanwhile are skipped; those we may not read are counted, since what they hold is
/// unknown.
FileHolders ScanFileHolders(const ProcFs& proc, std::vector<dev_t> devices);

}  // namespace ipc_exporter
