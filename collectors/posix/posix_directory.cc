#include "collectors/posix/posix_directory.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ipc_exporter {
namespace {

// openat2(2) has no glibc wrapper in Debian 12 (glibc 2.36).
int OpenInRoot(int root, const std::string& path) {
  open_how how{};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(::syscall(SYS_openat2, root, path.c_str(), &how, sizeof(how)));
}

}  // namespace

bool GoneWithItsProcess(int error, const CollectorSettings& settings) {
  return settings.through_process_root && (error == ENOENT || error == ESRCH);
}

int OpenDirectoryInItsRoot(const std::string& dir, const CollectorSettings& settings,
                           PosixFilesystem filesystem) {
  const std::string& root = settings.process_root;
  if (root.empty() || dir.compare(0, root.size(), root) != 0) {
    // The exporter's own namespace: --path.devshm and its own mounts, as configured.
    return ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
  }
  const int root_fd = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return -1;
  // Built in one go: assigning "/" to it afterwards trips GCC 12's -Wrestrict at -O3 (GCC bug
  // 105329).
  const std::string inside =
      dir.size() > root.size() ? dir.substr(root.size()) : std::string(1, '/');
  const int fd = OpenInRoot(root_fd, inside);
  const int error = errno;
  ::close(root_fd);
  if (fd < 0) {
    errno = error;
    return -1;
  }
  struct statfs info {};
  if (::fstatfs(fd, &info) != 0 || info.f_type != static_cast<long>(filesystem)) {
    ::close(fd);
    errno = EXDEV;
    return -1;
  }
  return fd;
}

std::optional<dev_t> DirectoryDevice(const std::string& dir, const CollectorSettings& settings,
                                     PosixFilesystem filesystem) {
  if (dir.empty()) return std::nullopt;
  const int fd = OpenDirectoryInItsRoot(dir, settings, filesystem);
  if (fd < 0) return std::nullopt;
  struct stat info {};
  const bool stated = ::fstat(fd, &info) == 0;
  ::close(fd);
  if (!stated) return std::nullopt;
  return info.st_dev;
}

DIR* OpenPosixDirectory(const std::string& dir, const CollectorSettings& settings,
                        PosixFilesystem filesystem) {
  if (dir.empty()) return nullptr;
  const int fd = OpenDirectoryInItsRoot(dir, settings, filesystem);
  if (fd >= 0) {
    if (DIR* listing = ::fdopendir(fd)) return listing;
    const int error = errno;
    ::close(fd);
    throw std::runtime_error("cannot list " + dir + ": " + std::strerror(error));
  }
  if (GoneWithItsProcess(errno, settings)) return nullptr;
  if (errno == EXDEV) {
    throw std::runtime_error("refusing to list " + dir +
                             ": not the expected filesystem inside its namespace's root (a link "
                             "or mount made by that namespace's owner?)");
  }
  throw std::runtime_error("cannot list " + dir + ": " + std::strerror(errno));
}

}  // namespace ipc_exporter
