#include "procfs/shm_attachers.h"

#include <algorithm>

#include "base/task_pool.h"
#include "procfs/ipc_namespaces.h"
#include "procfs/text_fields.h"

namespace ipc_exporter {

std::vector<int32_t> ParseSysvAttachments(std::string_view maps) {
  std::vector<int32_t> shmids;
  while (!maps.empty()) {
    std::string_view line = detail::NextLine(maps);
    if (line.find("/SYSV") == std::string_view::npos) continue;  // the cheap test first
    // address perms offset device inode path
    std::string_view fields[6];
    for (std::string_view& field : fields) field = detail::NextField(line);
    if (fields[5].substr(0, 5) != "/SYSV") continue;
    int32_t shmid = -1;
    if (!detail::ParseWholeNumber(fields[4], &shmid) || shmid < 0) continue;
    shmids.push_back(shmid);
  }
  std::sort(shmids.begin(), shmids.end());
  shmids.erase(std::unique(shmids.begin(), shmids.end()), shmids.end());
  return shmids;
}

std::vector<ShmAttacher> ScanShmAttachers(const ProcFs& proc, ProcessTable& processes) {
  // Reading a maps file costs the kernel tens of microseconds, so hundreds of processes are read
  // in slices on the task pool; each slice fills only its own entries.
  const std::vector<int32_t> pids = proc.ListPids();
  std::vector<std::vector<int32_t>> attached(pids.size());
  // shmids are per IPC namespace: a process of another namespace attaching its shmid 5 says
  // nothing of ours. Where the links cannot be read (fixture trees), nobody is left out.
  int error = 0;
  const std::optional<uint64_t> own_namespace =
      ReadIpcNamespaceLink(proc.PathOf("thread-self/ns/ipc"), &error);
  ParallelSlices(pids.size(), 32, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      if (own_namespace) {
        int link_error = 0;
        std::optional<uint64_t> theirs =
            ReadIpcNamespaceLink(proc.PathOf(std::to_string(pids[i]) + "/ns/ipc"), &link_error);
        if (theirs && *theirs != *own_namespace) continue;
      }
      try {
        std::optional<std::string> maps = proc.ReadFileIfExists(std::to_string(pids[i]) + "/maps");
        if (maps) attached[i] = ParseSysvAttachments(*maps);
      } catch (const ProcFsError&) {
        // EACCES without ptrace access to it, or the process is going away: not listed.
      }
    }
  });
  std::vector<ShmAttacher> attachers;
  for (size_t i = 0; i < pids.size(); ++i) {
    for (int32_t shmid : attached[i]) {
      attachers.push_back({shmid, pids[i], processes.Command(pids[i]).value_or("")});
    }
  }
  std::sort(attachers.begin(), attachers.end(), [](const ShmAttacher& a, const ShmAttacher& b) {
    return a.shmid != b.shmid ? a.shmid < b.shmid : a.pid < b.pid;
  });
  return attachers;
}

}  // namespace ipc_exporter
