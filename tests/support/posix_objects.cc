#include "posix_objects.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace ipc_exporter::testing {

TestNamedSemaphore::TestNamedSemaphore(const std::string& name, unsigned value) : name_(name) {
  sem_ = ::sem_open(name.c_str(), O_CREAT | O_EXCL, 0600, value);
  if (sem_ == SEM_FAILED) throw std::runtime_error("sem_open " + name + " failed");
}

TestNamedSemaphore::~TestNamedSemaphore() {
  ::sem_close(sem_);
  ::sem_unlink(name_.c_str());
}

TestPosixShm::TestPosixShm(const std::string& name, off_t size, mode_t mode) : name_(name) {
  int fd = ::shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, mode);
  if (fd < 0) throw std::runtime_error("shm_open " + name + ": " + std::strerror(errno));
  const int truncate_error = ::ftruncate(fd, size) == 0 ? 0 : errno;
  ::close(fd);
  if (truncate_error != 0) {
    ::shm_unlink(name.c_str());
    throw std::runtime_error("ftruncate " + name + ": " + std::strerror(truncate_error));
  }
}

TestPosixShm::~TestPosixShm() { ::shm_unlink(name_.c_str()); }

MqueueMount::MqueueMount() {
  std::ifstream mounts("/proc/self/mountinfo");
  std::string text((std::istreambuf_iterator<char>(mounts)), {});
  if (text.find(" - mqueue ") != std::string::npos) return;
  created_dir_ = std::filesystem::create_directories("/dev/mqueue");
  if (::mount("mqueue", "/dev/mqueue", "mqueue", 0, nullptr) != 0) {
    throw std::runtime_error(std::string("cannot mount mqueue: ") + std::strerror(errno));
  }
  mounted_ = true;
}

MqueueMount::~MqueueMount() {
  if (mounted_) ::umount("/dev/mqueue");
  if (created_dir_) std::filesystem::remove("/dev/mqueue");
}

}  // namespace ipc_exporter::testing
