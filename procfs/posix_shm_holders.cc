#include "procfs/posix_shm_holders.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "base/task_pool.h"
#include "procfs/text_fields.h"

namespace ipc_exporter {
namespace {

/// What one process maps or holds of the devices, or that it could not be read.
struct ProcessHoldings {
  std::vector<FileId> files;
  bool unreadable = false;
};

bool StillExists(const ProcFs& proc, int32_t pid) {
  struct stat info {};
  return ::stat(proc.PathOf(std::to_string(pid)).c_str(), &info) == 0;
}

bool IsOneOf(dev_t device, const std::vector<dev_t>& devices) {
  return std::binary_search(devices.begin(), devices.end(), device);
}

ProcessHoldings ReadHoldings(const ProcFs& proc, int32_t pid, const std::vector<dev_t>& devices) {
  ProcessHoldings holdings;
  const std::string directory = std::to_string(pid);
  try {
    std::optional<std::string> maps = proc.ReadFileIfExists(directory + "/maps");
    if (!maps) return holdings;  // exited
    holdings.files = ParseMappedFiles(*maps, devices);
  } catch (const ProcFsError&) {
    holdings.unreadable = StillExists(proc, pid);
    return holdings;
  }
  const std::string fd_path = proc.PathOf(directory + "/fd");
  DIR* fds = ::opendir(fd_path.c_str());
  if (fds == nullptr) {
    holdings.unreadable = errno != ENOENT && StillExists(proc, pid);
    return holdings;
  }
  while (const dirent* entry = ::readdir(fds)) {
    if (entry->d_name[0] == '.') continue;
    // Sockets, pipes and anonymous inodes read as "socket:[…]" and the like: only a path
    // can be a file of /dev/shm, and only those are worth a stat.
    char target[8];
    ssize_t length = ::readlinkat(::dirfd(fds), entry->d_name, target, sizeof(target));
    if (length <= 0 || target[0] != '/') continue;
    struct stat info {};
    if (::fstatat(::dirfd(fds), entry->d_name, &info, 0) == 0 && IsOneOf(info.st_dev, devices) &&
        S_ISREG(info.st_mode)) {
      holdings.files.push_back({info.st_dev, info.st_ino});
    }
  }
  ::closedir(fds);
  std::sort(holdings.files.begin(), holdings.files.end());
  holdings.files.erase(std::unique(holdings.files.begin(), holdings.files.end()),
                       holdings.files.end());
  return holdings;
}

}  // namespace

std::vector<FileId> ParseMappedFiles(std::string_view maps, const std::vector<dev_t>& devices) {
  std::vector<FileId> files;
  while (!maps.empty()) {
    std::string_view line = detail::NextLine(maps);
    // address perms offset device inode [path]
    std::string_view fields[5];
    for (std::string_view& field : fields) field = detail::NextField(line);
    size_t colon = fields[3].find(':');
    uint32_t line_major = 0, line_minor = 0;
    uint64_t inode = 0;
    if (colon == std::string_view::npos ||
        !detail::ParseWholeNumber(fields[3].substr(0, colon), &line_major, 16) ||
        !detail::ParseWholeNumber(fields[3].substr(colon + 1), &line_minor, 16) ||
        !detail::ParseWholeNumber(fields[4], &inode) || inode == 0) {
      continue;
    }
    const dev_t device = makedev(line_major, line_minor);
    if (IsOneOf(device, devices)) files.push_back({device, inode});
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

FileHolders ScanFileHolders(const ProcFs& proc, std::vector<dev_t> devices) {
  std::sort(devices.begin(), devices.end());
  const std::vector<int32_t> pids = proc.ListPids();
  std::vector<ProcessHoldings> holdings(pids.size());
  ParallelSlices(pids.size(), 32, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) holdings[i] = ReadHoldings(proc, pids[i], devices);
  });
  FileHolders holders;
  for (const ProcessHoldings& process : holdings) {
    if (process.unreadable) ++holders.unreadable_processes;
    for (const FileId& file : process.files) ++holders.processes_by_file[file];
  }
  return holders;
}

}  // namespace ipc_exporter
