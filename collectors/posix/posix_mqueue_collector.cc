#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "collectors/object_families.h"
#include "collectors/posix/posix_collectors.h"
#include "collectors/posix/posix_directory.h"
#include "exposition/series_cap.h"
#include "procfs/kernel_limits.h"
#include "procfs/posix_parsers.h"

namespace ipc_exporter {
namespace {

/// One POSIX message queue: a file of the mqueue filesystem, named "/NAME" as mq_open takes it.
struct PosixQueue {
  std::string name;
  uint32_t uid = 0, gid = 0, mode = 0;
  std::optional<uint64_t> bytes;  // QSIZE of the queue's file
  std::optional<MqueueAttributes> attributes;
};

/// POSIX message queues, wherever /proc/self/mountinfo says the mqueue filesystem is mounted,
/// and the /proc/sys/fs/mqueue limits. Reading a queue's file (for QSIZE) updates its access
/// time: the kernel's mqueue filesystem does that on every read, so it cannot be avoided.
class PosixMqueueCollector final : public Collector {
 public:
  explicit PosixMqueueCollector(const CollectorContext& context) : context_(context) {}

  void Collect(ExpositionWriter& out, CollectReport& report) override {
    const ProcFs& proc = context_.proc;
    std::optional<std::string> mount;
    if (!context_.settings.mqueue_mountinfo.empty()) {
      std::optional<std::string> mountinfo =
          proc.ReadFileIfExists(context_.settings.mqueue_mountinfo);
      if (mountinfo) mount = ParseMqueueMount(*mountinfo);
    } else if (!context_.settings.mqueue_directory.empty()) {
      mount = context_.settings.mqueue_directory;
    }
    std::vector<PosixQueue> queues;
    if (mount) queues = ReadQueues(*mount, report);  // with max-series 0, names only

    const uint64_t count = queues.size();
    if (context_.settings.posix_mqueue_max_series > 0) {
      if (context_.settings.ListingObjects()) ListObjects(queues, report);
      WriteObjects(out, std::move(queues), report);
    }
    WriteSingleGauge(out, "ipc_posix_mqueues", "Number of POSIX message queues.",
                     std::optional<uint64_t>(count));
    WriteSingleGauge(out, "ipc_posix_mqueue_queues_limit",
                     "Maximum number of POSIX message queues (fs.mqueue.queues_max).",
                     ReadLimitValue(proc, "sys/fs/mqueue/queues_max", &report.errors));
    WriteSingleGauge(out, "ipc_posix_mqueue_messages_limit",
                     "Maximum mq_maxmsg of a POSIX queue (fs.mqueue.msg_max).",
                     ReadLimitValue(proc, "sys/fs/mqueue/msg_max", &report.errors));
    WriteSingleGauge(out, "ipc_posix_mqueue_message_size_limit_bytes",
                     "Maximum mq_msgsize of a POSIX queue in bytes (fs.mqueue.msgsize_max).",
                     ReadLimitValue(proc, "sys/fs/mqueue/msgsize_max", &report.errors));
    WriteSingleGauge(out, "ipc_posix_mqueue_filesystem_mounted",
                     "1 if the mqueue filesystem is mounted (/proc/self/mountinfo), else 0.",
                     std::optional<uint64_t>(mount ? 1 : 0));
  }

 private:
  /// The per-queue families, for the queues that fit under --collector.posix_mqueue.max-series
  /// (in name order).
  void ListObjects(const std::vector<PosixQueue>& queues, CollectReport& report) {
    for (const PosixQueue& q : queues) {
      ObjectRow row = FileObjectRow(ObjectKind::kPosixQueue, q.name, q.uid, q.mode, context_.names);
      row.bytes = q.bytes.value_or(0);
      if (q.attributes) {
        row.count = q.attributes->messages;
        row.capacity_bytes = q.attributes->max_messages * q.attributes->message_size;
      }
      report.objects.push_back(std::move(row));
    }
  }

  void WriteObjects(ExpositionWriter& out, std::vector<PosixQueue> queues, CollectReport& report) {
    std::vector<uint64_t> series;
    for (const PosixQueue& q : queues) {
      // readable and _info, then messages, capacity and message size, then bytes
      series.push_back(uint64_t{2} + (q.attributes ? 3u : 0u) + (q.bytes ? 1u : 0u));
    }
    CapSelection kept = SelectWithinCap(series, std::vector<bool>(queues.size(), false),
                                        context_.settings.posix_mqueue_max_series);
    report.series_dropped = kept.dropped_series;
    if (kept.dropped_series > 0) queues = CopyIndexes(queues, kept.kept);

    out.Family("ipc_posix_mqueue_messages", "Messages in the POSIX queue (mq_getattr mq_curmsgs).");
    for (const PosixQueue& q : queues) {
      if (q.attributes) out.Sample({{"name", q.name}}, q.attributes->messages);
    }
    out.Family("ipc_posix_mqueue_bytes", "Bytes of message text in the POSIX queue (QSIZE).");
    for (const PosixQueue& q : queues) {
      if (q.bytes) out.Sample({{"name", q.name}}, *q.bytes);
    }
    out.Family("ipc_posix_mqueue_capacity_messages",
               "Most messages the POSIX queue holds (mq_getattr mq_maxmsg).");
    for (const PosixQueue& q : queues) {
      if (q.attributes) out.Sample({{"name", q.name}}, q.attributes->max_messages);
    }
    out.Family("ipc_posix_mqueue_message_size_bytes",
               "Largest message the POSIX queue takes, in bytes (mq_getattr mq_msgsize).");
    for (const PosixQueue& q : queues) {
      if (q.attributes) out.Sample({{"name", q.name}}, q.attributes->message_size);
    }
    out.Family("ipc_posix_mqueue_readable",
               "1 if the POSIX queue's attributes and QSIZE could be read, 0 if not (another "
               "user's queue without read permission): what could not be read is left out.");
    for (const PosixQueue& q : queues) {
      out.Sample({{"name", q.name}}, uint64_t{q.attributes && q.bytes ? 1u : 0u});
    }
    WriteFileOwnershipInfo(out, "ipc_posix_mqueue_info",
                           "Ownership and mode of the POSIX queue, value 1 (mqueue filesystem).",
                           queues, context_.names);
  }

  std::vector<PosixQueue> ReadQueues(const std::string& mount, CollectReport& report) {
    std::vector<std::string> files;
    DIR* listing = nullptr;
    try {
      listing = OpenPosixDirectory(mount, context_.settings, PosixFilesystem::kMqueue);
    } catch (const std::exception& error) {
      report.errors.push_back(error.what());
    }
    if (listing == nullptr) return {};
    while (const dirent* entry = ::readdir(listing)) {
      if (entry->d_name[0] != '.') files.emplace_back(entry->d_name);
    }
    std::sort(files.begin(), files.end());
    std::vector<PosixQueue> queues;
    const int directory = ::dirfd(listing);
    for (const std::string& file : files) {
      struct stat info {};
      if (::fstatat(directory, file.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 ||
          !S_ISREG(info.st_mode)) {
        continue;  // gone
      }
      PosixQueue queue{"/" + file,   info.st_uid, info.st_gid, static_cast<uint32_t>(info.st_mode),
                       std::nullopt, std::nullopt};
      if (context_.settings.posix_mqueue_max_series == 0) {  // the count needs no more
        queues.push_back(queue);
        continue;
      }
      if (!ReadQsize(directory, mount, file, &queue.bytes, report)) continue;  // removed since
      MqueueAttributes attributes;
      SyscallResult result = context_.syscalls.ReadMqueueAttributes(queue.name, &attributes);
      if (result.outcome == SyscallOutcome::kGone) continue;
      if (result.outcome == SyscallOutcome::kOk) queue.attributes = attributes;
      if (result.outcome == SyscallOutcome::kFailed) {
        report.errors.push_back("mq_getattr " + queue.name + ": " + std::strerror(result.error));
      }
      queues.push_back(queue);
    }
    ::closedir(listing);
    return queues;
  }

  /// Reads QSIZE from the queue's file into `bytes` (left nullopt when the file may not be
  /// read: another user's queue without read permission). False if the queue is gone. Other
  /// failures are reported.
  static bool ReadQsize(int directory, const std::string& mount, const std::string& file,
                        std::optional<uint64_t>* bytes, CollectReport& report) {
    const std::string path = mount + "/" + file;
    int fd = ::openat(directory, file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
      if (errno == ENOENT) return false;
      if (errno != EACCES && errno != EPERM) {
        report.errors.push_back("cannot open " + path + ": " + std::strerror(errno));
      }
      return true;
    }
    char text[256];  // "QSIZE:... NOTIFY:... SIGNO:... NOTIFY_PID:..." is well below this
    ssize_t got = ::read(fd, text, sizeof(text) - 1);
    int error = errno;
    ::close(fd);
    if (got < 0) {
      report.errors.push_back("cannot read " + path + ": " + std::strerror(error));
      return true;
    }
    *bytes = ParseMqueueQsize(std::string_view(text, static_cast<size_t>(got)));
    return true;
  }

  CollectorContext context_;
};

}  // namespace

std::unique_ptr<Collector> CreatePosixMqueueCollector(const CollectorContext& context) {
  return std::make_unique<PosixMqueueCollector>(context);
}

}  // namespace ipc_exporter
