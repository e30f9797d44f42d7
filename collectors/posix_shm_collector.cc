#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "object_families.h"
#include "posix_collectors.h"
#include "posix_shm_holders.h"
#include "process_table.h"

namespace ipc_exporter {
namespace {

/// One POSIX shared memory object: a regular file of /dev/shm other than sem.*, named "/NAME"
/// as shm_open takes it.
struct SharedObject {
  std::string name;
  uint64_t size = 0;
  int64_t modified = 0;
  uint32_t uid = 0, gid = 0, mode = 0;
  uint64_t inode = 0;
};

/// POSIX shared memory objects (shm_open): sizes, modification times, owners, and with
/// --collector.posix_shm.processes the processes mapping or holding each. Only stat() is called
/// on them: nothing is opened or mapped.
class PosixShmCollector final : public Collector {
 public:
  explicit PosixShmCollector(const CollectorContext& context) : context_(context) {}

  void Collect(ExpositionWriter& out, CollectReport&) override {
    const std::string& dir = context_.settings.dev_shm;
    DIR* listing = OpenPosixDirectory(dir, context_.settings);
    if (listing == nullptr) return;
    std::vector<SharedObject> objects;
    while (const dirent* entry = ::readdir(listing)) {
      const std::string file = entry->d_name;
      if (file[0] == '.' || file.rfind("sem.", 0) == 0) continue;
      struct stat info {};
      if (::fstatat(::dirfd(listing), file.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 ||
          !S_ISREG(info.st_mode)) {
        continue;  // gone since the listing, or not an object (a directory, a link)
      }
      objects.push_back({"/" + file, static_cast<uint64_t>(info.st_size),
                         static_cast<int64_t>(info.st_mtim.tv_sec), info.st_uid, info.st_gid,
                         static_cast<uint32_t>(info.st_mode), info.st_ino});
    }
    struct stat directory {};
    const bool stated = ::fstat(::dirfd(listing), &directory) == 0;
    ::closedir(listing);
    std::sort(objects.begin(), objects.end(),
              [](const SharedObject& a, const SharedObject& b) { return a.name < b.name; });

    uint64_t total = 0;
    out.Family("ipc_posix_shm_object_size_bytes",
               "Size of the POSIX shared memory object in bytes (/dev/shm).");
    for (const SharedObject& o : objects) {
      out.Sample({{"name", o.name}}, o.size);
      total += o.size;
    }
    out.Family("ipc_posix_shm_object_modification_timestamp_seconds",
               "Unix time of the POSIX shared memory object's last modification (/dev/shm).");
    for (const SharedObject& o : objects) out.Sample({{"name", o.name}}, o.modified);
    if (context_.settings.posix_shm_processes && stated) {
      // Under --ipc.namespaces=all the other namespaces share one scan of the processes.
      std::shared_ptr<const FileHolders> holders = context_.settings.posix_shm_holders;
      if (!holders) {
        holders = std::make_shared<FileHolders>(FindFileHolders(context_.proc, {directory.st_dev}));
      }
      WriteHolders(out, objects, directory.st_dev, *holders, context_.proc);
    }
    WriteFileOwnershipInfo(
        out, "ipc_posix_shm_object_info",
        "Ownership and mode of the POSIX shared memory object, value 1 (/dev/shm).", objects,
        context_.names);
    WriteSingleGauge(out, "ipc_posix_shm_objects", "Number of POSIX shared memory objects.",
                     std::optional<uint64_t>(objects.size()));
    WriteSingleGauge(out, "ipc_posix_shm_size_bytes",
                     "Sum of the sizes of all POSIX shared memory objects in bytes.",
                     std::optional<uint64_t>(total));
  }

 private:
  static void WriteHolders(ExpositionWriter& out, const std::vector<SharedObject>& objects,
                           dev_t device, const FileHolders& holders, const ProcFs& proc) {
    auto holding = [&](const SharedObject& o) { return holders.ProcessesOf({device, o.inode}); };
    out.Family("ipc_posix_shm_object_mapped_processes",
               "Processes that map the POSIX shared memory object or hold it open "
               "(/proc/PID/maps and /proc/PID/fd of every process the exporter may read).");
    for (const SharedObject& o : objects) out.Sample({{"name", o.name}}, holding(o));
    // An object nobody maps may still belong to a running application that maps it on demand
    // (PostgreSQL's dynamic shared memory): while a process of its owner runs (root excepted),
    // it is not orphaned.
    ProcessTable processes(proc);
    out.Family("ipc_posix_shm_object_orphaned",
               "1 if no process maps the POSIX shared memory object or holds it open, of those "
               "the exporter may read (see ipc_posix_shm_processes_unreadable), and no process "
               "of its owner runs unless the owner is root.");
    for (const SharedObject& o : objects) {
      const uint32_t owner[] = {o.uid};
      const bool orphaned = holding(o) == 0 && processes.Application({}, owner) == Liveness::kDead;
      out.Sample({{"name", o.name}}, uint64_t{orphaned ? 1u : 0u});
    }
    WriteSingleGauge(out, "ipc_posix_shm_processes_unreadable",
                     "Processes whose /proc/PID/maps or fd the exporter may not read "
                     "(CAP_SYS_PTRACE): what they map or hold is not counted.",
                     std::optional<uint64_t>(holders.unreadable_processes));
  }

  CollectorContext context_;
};

}  // namespace

std::unique_ptr<Collector> CreatePosixShmCollector(const CollectorContext& context) {
  return std::make_unique<PosixShmCollector>(context);
}

}  // namespace ipc_exporter
