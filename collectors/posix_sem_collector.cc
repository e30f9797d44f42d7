#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "object_families.h"
#include "posix_collectors.h"
#include "posix_parsers.h"

namespace ipc_exporter {
namespace {

/// One named POSIX semaphore: /dev/shm/sem.NAME, shown as "/NAME" as sem_open takes it.
struct NamedSemaphore {
  std::string name;
  PosixSemaphoreWord word;
  uint32_t uid = 0, gid = 0, mode = 0;
};

/// Named POSIX semaphores (glibc keeps them as files /dev/shm/sem.NAME). The value is read with
/// pread from the file, which changes nothing: no sem_open, no mapping.
class PosixSemCollector final : public Collector {
 public:
  explicit PosixSemCollector(const CollectorContext& context) : context_(context) {}

  void Collect(ExpositionWriter& out, CollectReport& report) override {
    const std::string& dir = context_.settings.dev_shm;
    DIR* listing = OpenPosixDirectory(dir, context_.settings);
    if (listing == nullptr) return;
    std::vector<std::string> files;
    while (const dirent* entry = ::readdir(listing)) {
      if (std::strncmp(entry->d_name, "sem.", 4) == 0) files.emplace_back(entry->d_name);
    }
    ::closedir(listing);
    std::sort(files.begin(), files.end());

    std::vector<NamedSemaphore> semaphores;
    for (const std::string& file : files) {
      const std::string path = dir + "/" + file;
      int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
      if (fd < 0) {
        if (errno != ENOENT)
          report.errors.push_back("cannot open " + path + ": " + std::strerror(errno));
        continue;  // removed since the listing
      }
      struct stat info {};
      char start[32];
      ssize_t got = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)
                        ? ::pread(fd, start, sizeof(start), 0)
                        : -1;
      ::close(fd);
      std::optional<PosixSemaphoreWord> word =
          got > 0 ? DecodePosixSemaphore(std::string_view(start, static_cast<size_t>(got)))
                  : std::nullopt;
      if (!word) {
        report.errors.push_back(path + ": not a POSIX semaphore (shorter than a sem_t)");
        continue;
      }
      // "/NAME" from "sem.NAME"; appended rather than `"/" + substr`, which GCC 12 at -O3
      // wrongly flags as an overlapping memcpy (-Wrestrict, GCC bug 105329).
      std::string name = "/";
      name.append(file, 4, std::string::npos);
      semaphores.push_back(
          {std::move(name), *word, info.st_uid, info.st_gid, static_cast<uint32_t>(info.st_mode)});
    }

    out.Family("ipc_posix_sem_value",
               "Value of the named POSIX semaphore (/dev/shm/sem.NAME, read without sem_open).");
    for (const NamedSemaphore& s : semaphores)
      out.Sample({{"name", s.name}}, uint64_t{s.word.value});
    out.Family("ipc_posix_sem_waiters",
               "Threads blocked in sem_wait on the named POSIX semaphore, as glibc counts them.");
    for (const NamedSemaphore& s : semaphores) {
      out.Sample({{"name", s.name}}, uint64_t{s.word.waiters});
    }
    WriteFileOwnershipInfo(
        out, "ipc_posix_sem_info",
        "Ownership and mode of the named POSIX semaphore's file, value 1 (/dev/shm).", semaphores,
        context_.names);
    WriteSingleGauge(out, "ipc_posix_sems", "Number of named POSIX semaphores (/dev/shm/sem.*).",
                     std::optional<uint64_t>(semaphores.size()));
  }

 private:
  CollectorContext context_;
};

}  // namespace

std::unique_ptr<Collector> CreatePosixSemCollector(const CollectorContext& context) {
  return std::make_unique<PosixSemCollector>(context);
}

}  // namespace ipc_exporter
