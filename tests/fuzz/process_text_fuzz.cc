// libFuzzer target: the parsers of per-process /proc text: /proc/PID/stat, /proc/stat,
// /proc/PID/status (uids), /proc/PID/maps (SysV attachments and mapped inodes),
// /proc/PID/mountinfo, /proc/PID/cgroup and the /proc/PID/ns/ipc link.
#include <sys/sysmacros.h>

#include <string_view>

#include "procfs/ipc_namespaces.h"
#include "procfs/mountinfo.h"
#include "procfs/posix_shm_holders.h"
#include "procfs/process_stat.h"
#include "procfs/shm_attachers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ipc_exporter;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseProcessStat(text);
  ParseBootTime(text);
  ParseStatusUids(text);
  for (int32_t shmid : ParseSysvAttachments(text)) {
    if (shmid < 0) __builtin_trap();
  }
  const dev_t shm = makedev(0, 0x1a);
  for (const FileId& file : ParseMappedFiles(text, {shm})) {
    // inode 0 is an anonymous mapping, never a file; only the asked-for device comes back
    if (file.inode == 0 || file.device != shm) __builtin_trap();
  }
  for (const MountEntry& mount : ParseMountinfo(text)) {
    if (mount.mount_point.empty() || mount.fstype.find(' ') != std::string::npos) {
      __builtin_trap();
    }
  }
  ParseIpcNamespaceMounts(text);
  const std::string id = ContainerIdFromCgroup(text);
  if (id.size() > text.size()) __builtin_trap();
  ParseIpcNamespaceLink(text);
  return 0;
}
