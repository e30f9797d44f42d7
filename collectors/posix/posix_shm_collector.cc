#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "collectors/object_families.h"
#include "collectors/posix/posix_collectors.h"
#include "collectors/posix/posix_directory.h"
#include "exposition/series_cap.h"
#include "procfs/posix_shm_holders.h"
#include "procfs/process_table.h"

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

  void Collect(ExpositionWriter& out, CollectReport& report) override {
    const std::string& dir = context_.settings.dev_shm;
    DIR* listing = OpenPosixDirectory(dir, context_.settings, PosixFilesystem::kTmpfs);
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
    struct statvfs filesystem {};
    const bool measured = ::fstatvfs(::dirfd(listing), &filesystem) == 0;
    ::closedir(listing);
    std::sort(objects.begin(), objects.end(),
              [](const SharedObject& a, const SharedObject& b) { return a.name < b.name; });

    // --collector.posix_shm.max-series=0: totals only, and no scan of the processes for them.
    if (context_.settings.posix_shm_max_series > 0) {
      std::optional<Holding> holding;
      if (context_.settings.posix_shm_processes && stated) {
        holding = FindHolding(objects, directory.st_dev);
      }
      std::vector<uint64_t> series(objects.size(), holding ? 5 : 3);
      std::vector<bool> flagged(objects.size(), false);
      if (holding) flagged = holding->orphaned;
      CapSelection kept = SelectWithinCap(series, flagged, context_.settings.posix_shm_max_series);
      report.series_dropped = kept.dropped_series;
      WriteObjects(out, objects, kept.kept, holding);
      if (context_.settings.ListingObjects()) ListObjects(objects, holding, report);
    }
    uint64_t total = 0;
    for (const SharedObject& o : objects) total += o.size;
    WriteSingleGauge(out, "ipc_posix_shm_objects", "Number of POSIX shared memory objects.",
                     std::optional<uint64_t>(objects.size()));
    WriteSingleGauge(out, "ipc_posix_shm_size_bytes",
                     "Sum of the sizes of all POSIX shared memory objects in bytes.",
                     std::optional<uint64_t>(total));
    if (measured) WriteFilesystem(out, filesystem);
  }

 private:
  /// The filesystem of /dev/shm (a tmpfs): when it is full, shm_open'd objects cannot grow and
  /// sem_open fails, and node_exporter hides it by default.
  static void WriteFilesystem(ExpositionWriter& out, const struct statvfs& fs) {
    const uint64_t unit = fs.f_frsize;
    WriteSingleGauge(out, "ipc_posix_shm_filesystem_size_bytes",
                     "Size of the filesystem of /dev/shm in bytes (statvfs).",
                     std::optional<uint64_t>(uint64_t{fs.f_blocks} * unit));
    WriteSingleGauge(out, "ipc_posix_shm_filesystem_free_bytes",
                     "Bytes of the filesystem of /dev/shm that unprivileged users may still "
                     "allocate (statvfs f_bavail).",
                     std::optional<uint64_t>(uint64_t{fs.f_bavail} * unit));
    WriteSingleGauge(out, "ipc_posix_shm_filesystem_files",
                     "Inodes of the filesystem of /dev/shm (statvfs f_files).",
                     std::optional<uint64_t>(uint64_t{fs.f_files}));
    WriteSingleGauge(out, "ipc_posix_shm_filesystem_files_free",
                     "Free inodes of the filesystem of /dev/shm (statvfs f_ffree).",
                     std::optional<uint64_t>(uint64_t{fs.f_ffree}));
  }

  /// Who maps or holds each object (parallel to the objects), with --collector.posix_shm.processes.
  struct Holding {
    std::vector<uint64_t> processes;
    std::vector<bool> orphaned;
    uint64_t unreadable_processes = 0;
  };

  Holding FindHolding(const std::vector<SharedObject>& objects, dev_t device) {
    // Under --ipc.namespaces=all the other namespaces share one scan of the processes.
    std::shared_ptr<const FileHolders> holders = context_.settings.posix_shm_holders;
    if (!holders) holders = std::make_shared<FileHolders>(ScanFileHolders(context_.proc, {device}));
    // An object nobody maps may still belong to a running application that maps it on demand
    // (PostgreSQL's dynamic shared memory): while a process of its owner runs (root excepted),
    // it is not orphaned.
    ProcessTable processes(context_.proc);
    Holding holding;
    holding.unreadable_processes = holders->unreadable_processes;
    for (const SharedObject& o : objects) {
      holding.processes.push_back(holders->ProcessesOf({device, o.inode}));
      const uint32_t owner[] = {o.uid};
      holding.orphaned.push_back(holding.processes.back() == 0 &&
                                 processes.Application({}, owner) == Liveness::kDead);
    }
    return holding;
  }

  /// The per-object families for the objects at `kept` (ascending indexes).
  void ListObjects(const std::vector<SharedObject>& objects, const std::optional<Holding>& holding,
                   CollectReport& report) {
    for (size_t i = 0; i < objects.size(); ++i) {
      const SharedObject& o = objects[i];
      ObjectRow row = FileObjectRow(ObjectKind::kPosixShm, o.name, o.uid, o.mode, context_.names);
      row.bytes = o.size;
      if (holding) row.count = holding->processes[i];
      row.changed = o.modified;
      if (holding && holding->orphaned[i]) row.problem = Problem::kOrphanedSegment;
      report.objects.push_back(std::move(row));
    }
  }

  void WriteObjects(ExpositionWriter& out, const std::vector<SharedObject>& objects,
                    const std::vector<size_t>& kept, const std::optional<Holding>& holding) {
    out.Family("ipc_posix_shm_object_size_bytes",
               "Size of the POSIX shared memory object in bytes (/dev/shm).");
    for (size_t i : kept) out.Sample({{"name", objects[i].name}}, objects[i].size);
    out.Family("ipc_posix_shm_object_modification_timestamp_seconds",
               "Unix time of the POSIX shared memory object's last modification (/dev/shm).");
    for (size_t i : kept) out.Sample({{"name", objects[i].name}}, objects[i].modified);
    if (holding) {
      out.Family("ipc_posix_shm_object_mapped_processes",
                 "Processes that map the POSIX shared memory object or hold it open "
                 "(/proc/PID/maps and /proc/PID/fd of every process the exporter may read).");
      for (size_t i : kept) out.Sample({{"name", objects[i].name}}, holding->processes[i]);
      out.Family("ipc_posix_shm_object_orphaned",
                 "1 if no process maps the POSIX shared memory object or holds it open, of those "
                 "the exporter may read (see ipc_posix_shm_processes_unreadable), and no process "
                 "of its owner runs unless the owner is root.");
      for (size_t i : kept) {
        out.Sample({{"name", objects[i].name}}, uint64_t{holding->orphaned[i] ? 1u : 0u});
      }
      WriteSingleGauge(out, "ipc_posix_shm_processes_unreadable",
                       "Processes whose /proc/PID/maps or fd the exporter may not read "
                       "(CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH): what they map or hold is not "
                       "counted.",
                       std::optional<uint64_t>(holding->unreadable_processes));
    }
    WriteFileOwnershipInfo(
        out, "ipc_posix_shm_object_info",
        "Ownership and mode of the POSIX shared memory object, value 1 (/dev/shm).",
        kept.size() == objects.size() ? objects : CopyIndexes(objects, kept), context_.names);
  }

  CollectorContext context_;
};

}  // namespace

std::unique_ptr<Collector> CreatePosixShmCollector(const CollectorContext& context) {
  return std::make_unique<PosixShmCollector>(context);
}

}  // namespace ipc_exporter
