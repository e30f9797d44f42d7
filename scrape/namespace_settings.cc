#include "scrape/namespace_settings.h"

#include <optional>
#include <set>

#include "collectors/posix/posix_directory.h"
#include "procfs/posix_parsers.h"
#include "procfs/posix_shm_holders.h"

namespace ipc_exporter {
namespace {

/// The mqueue mount that `mountinfo` (below the proc root) names, prefixed by `root`.
std::string MqueueDirectory(const ProcFs& proc, const std::string& mountinfo,
                            const std::string& root) {
  if (mountinfo.empty()) return "";
  try {
    std::optional<std::string> text = proc.ReadFileIfExists(mountinfo);
    std::optional<std::string> mount = text ? ParseMqueueMount(*text) : std::nullopt;
    return mount ? root + *mount : "";
  } catch (const ProcFsError&) {
    return "";  // the process is going away, or hidden from us
  }
}

/// The filesystem at `path` (resolved as the collectors will: inside the namespace's root, and
/// only on `filesystem` there) if no earlier namespace has claimed it; claims it.
std::optional<dev_t> Claim(const std::string& path, const CollectorSettings& settings,
                           PosixFilesystem filesystem, std::set<dev_t>* claimed) {
  std::optional<dev_t> device = DirectoryDevice(path, settings, filesystem);
  if (!device || !claimed->insert(*device).second) return std::nullopt;
  return device;
}

/// Gives the namespace `1 / ways` of every per-object series cap (rounded down: 0 publishes
/// totals and limits only).
void ShareMaxSeries(CollectorSettings* settings, size_t ways) {
  for (uint64_t* cap : {&settings->shm_max_series, &settings->sem_max_series,
                        &settings->msg_max_series, &settings->posix_shm_max_series,
                        &settings->posix_sem_max_series, &settings->posix_mqueue_max_series}) {
    *cap /= ways;
  }
}

}  // namespace

std::vector<CollectorSettings> SettingsPerNamespace(const ProcFs& proc,
                                                    const IpcNamespaceCensus& census,
                                                    const CollectorSettings& base) {
  std::set<dev_t> claimed_shm, claimed_mqueue;
  std::vector<CollectorSettings> settings;
  std::vector<dev_t> other_shm_devices;  // the other namespaces' own /dev/shm filesystems
  const size_t others = census.namespaces.empty() ? 0 : census.namespaces.size() - 1;
  for (const IpcNamespace& space : census.namespaces) {
    CollectorSettings own = base;
    if (space.inode != census.self_inode) {
      own.ipc_namespace = space.inode;
      ShareMaxSeries(&own, others);
    }
    if (space.inode == census.self_inode) {
      Claim(base.dev_shm, own, PosixFilesystem::kTmpfs, &claimed_shm);
      Claim(MqueueDirectory(proc, base.mqueue_mountinfo, ""), own, PosixFilesystem::kMqueue,
            &claimed_mqueue);
    } else if (space.pid == 0) {
      own.dev_shm.clear();
      own.mqueue_mountinfo.clear();
    } else {
      const std::string root = proc.PathOf(std::to_string(space.pid) + "/root");
      own.through_process_root = true;
      own.process_root = root;
      own.dev_shm = root + "/dev/shm";
      if (std::optional<dev_t> device =
              Claim(own.dev_shm, own, PosixFilesystem::kTmpfs, &claimed_shm)) {
        other_shm_devices.push_back(*device);
      } else {
        own.dev_shm.clear();
      }
      own.mqueue_mountinfo.clear();  // found here, once
      std::string mqueue = MqueueDirectory(proc, std::to_string(space.pid) + "/mountinfo", root);
      if (Claim(mqueue, own, PosixFilesystem::kMqueue, &claimed_mqueue)) {
        own.mqueue_directory = std::move(mqueue);
      }
    }
    settings.push_back(std::move(own));
  }
  // One scan of every process's maps and fds serves all those /dev/shm, instead of one each.
  if (base.posix_shm_processes && !other_shm_devices.empty()) {
    auto holders = std::make_shared<const FileHolders>(ScanFileHolders(proc, other_shm_devices));
    for (CollectorSettings& own : settings) {
      if (own.through_process_root && !own.dev_shm.empty()) own.posix_shm_holders = holders;
    }
  }
  return settings;
}

}  // namespace ipc_exporter
