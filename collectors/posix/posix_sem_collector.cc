#include <dirent.h>
#include <fcntl.h>
#include <semaphore.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "collectors/object_families.h"
#include "collectors/posix/posix_collectors.h"
#include "collectors/posix/posix_directory.h"
#include "exposition/series_cap.h"
#include "procfs/posix_parsers.h"

namespace ipc_exporter {
namespace {

/// One named POSIX semaphore: /dev/shm/sem.NAME, shown as "/NAME" as sem_open takes it.
struct NamedSemaphore {
  std::string name;
  std::optional<PosixSemaphoreWord> word;  // nullopt: the file may not be read
  uint32_t uid = 0, gid = 0, mode = 0;
};

/// Named POSIX semaphores (glibc keeps them as files /dev/shm/sem.NAME). Every one is listed
/// from stat() alone; its value is read with pread, which changes nothing (no sem_open, no
/// mapping), where the file may be read: another user's 0600 semaphore may not, and reads
/// `ipc_posix_sem_value_readable 0`.
class PosixSemCollector final : public Collector {
 public:
  explicit PosixSemCollector(const CollectorContext& context) : context_(context) {}

  void Collect(ExpositionWriter& out, CollectReport& report) override {
    const std::string& dir = context_.settings.dev_shm;
    DIR* listing = OpenPosixDirectory(dir, context_.settings, PosixFilesystem::kTmpfs);
    if (listing == nullptr) return;
    std::vector<std::string> files;
    while (const dirent* entry = ::readdir(listing)) {
      if (std::strncmp(entry->d_name, "sem.", 4) == 0) files.emplace_back(entry->d_name);
    }
    std::sort(files.begin(), files.end());

    const bool per_object = context_.settings.posix_sem_max_series > 0;
    std::vector<NamedSemaphore> semaphores;
    uint64_t ignored = 0;
    for (const std::string& file : files) {
      struct stat info {};
      if (::fstatat(::dirfd(listing), file.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
        continue;  // removed since the listing
      }
      // A sem_t is all a named semaphore's file holds. Anything else (glibc's empty temporary
      // file while sem_open creates one, a directory, a link, someone's stray file) is not one.
      if (!S_ISREG(info.st_mode) || info.st_size != static_cast<off_t>(sizeof(sem_t))) {
        ++ignored;
        continue;
      }
      // "/NAME" from "sem.NAME"; appended rather than `"/" + substr`, which GCC 12 at -O3
      // wrongly flags as an overlapping memcpy (-Wrestrict, GCC bug 105329).
      std::string name = "/";
      name.append(file, 4, std::string::npos);
      NamedSemaphore semaphore{std::move(name), std::nullopt, info.st_uid, info.st_gid,
                               static_cast<uint32_t>(info.st_mode)};
      // With max-series 0 only the count is published: the value need not be read.
      if (per_object && !ReadWord(::dirfd(listing), dir, file, &semaphore.word, report)) {
        continue;  // gone since the listing
      }
      semaphores.push_back(std::move(semaphore));
    }
    ::closedir(listing);
    const uint64_t count = semaphores.size();
    if (per_object) {
      if (context_.settings.ListingObjects()) ListObjects(semaphores, report);
      WriteObjects(out, std::move(semaphores), report);
    }
    WriteSingleGauge(out, "ipc_posix_sems", "Number of named POSIX semaphores (/dev/shm/sem.*).",
                     std::optional<uint64_t>(count));
    WriteSingleGauge(out, "ipc_posix_sem_files_ignored",
                     "Files named sem.* in /dev/shm that are not named POSIX semaphores (not a "
                     "regular file of the size of a sem_t, such as glibc's temporary files).",
                     std::optional<uint64_t>(ignored));
  }

 private:
  /// The per-semaphore families, for the semaphores that fit under
  /// --collector.posix_sem.max-series (in name order).
  void ListObjects(const std::vector<NamedSemaphore>& semaphores, CollectReport& report) {
    for (const NamedSemaphore& s : semaphores) {
      ObjectRow row =
          FileObjectRow(ObjectKind::kPosixSemaphore, s.name, s.uid, s.mode, context_.names);
      if (s.word) {
        row.count = s.word->value;
        row.waiting = s.word->waiters;
      }
      report.objects.push_back(std::move(row));
    }
  }

  void WriteObjects(ExpositionWriter& out, std::vector<NamedSemaphore> semaphores,
                    CollectReport& report) {
    std::vector<uint64_t> series;
    for (const NamedSemaphore& s : semaphores) series.push_back(s.word ? 4 : 2);
    CapSelection kept = SelectWithinCap(series, std::vector<bool>(semaphores.size(), false),
                                        context_.settings.posix_sem_max_series);
    report.series_dropped = kept.dropped_series;
    if (kept.dropped_series > 0) semaphores = CopyIndexes(semaphores, kept.kept);

    out.Family("ipc_posix_sem_value",
               "Value of the named POSIX semaphore (/dev/shm/sem.NAME, read without sem_open).");
    for (const NamedSemaphore& s : semaphores) {
      if (s.word) out.Sample({{"name", s.name}}, uint64_t{s.word->value});
    }
    out.Family("ipc_posix_sem_waiters",
               "Threads blocked in sem_wait on the named POSIX semaphore, as glibc counts them "
               "(glibc never takes back the count of a waiter that was killed).");
    for (const NamedSemaphore& s : semaphores) {
      if (s.word) out.Sample({{"name", s.name}}, uint64_t{s.word->waiters});
    }
    out.Family("ipc_posix_sem_value_readable",
               "1 if the named POSIX semaphore's file could be read, 0 if not (another user's, "
               "without read permission): its value and waiters are then left out.");
    for (const NamedSemaphore& s : semaphores) {
      out.Sample({{"name", s.name}}, uint64_t{s.word ? 1u : 0u});
    }
    WriteFileOwnershipInfo(
        out, "ipc_posix_sem_info",
        "Ownership and mode of the named POSIX semaphore's file, value 1 (/dev/shm).", semaphores,
        context_.names);
  }

  /// Reads the sem_t of `file` into `word` (left nullopt when the file may not be read). False
  /// if the file is gone since the listing. Other failures are reported.
  static bool ReadWord(int directory, const std::string& dir, const std::string& file,
                       std::optional<PosixSemaphoreWord>* word, CollectReport& report) {
    int fd = ::openat(directory, file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
      if (errno == ENOENT) return false;
      if (errno != EACCES && errno != EPERM) {
        report.errors.push_back("cannot open " + dir + "/" + file + ": " + std::strerror(errno));
      }
      return true;
    }
    char start[sizeof(sem_t)];
    ssize_t got = ::pread(fd, start, sizeof(start), 0);
    ::close(fd);
    if (got > 0) *word = DecodePosixSemaphore(std::string_view(start, static_cast<size_t>(got)));
    return true;
  }

 private:
  CollectorContext context_;
};

}  // namespace

std::unique_ptr<Collector> CreatePosixSemCollector(const CollectorContext& context) {
  return std::make_unique<PosixSemCollector>(context);
}

}  // namespace ipc_exporter
