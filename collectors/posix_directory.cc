#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "posix_collectors.h"

namespace ipc_exporter {

DIR* OpenPosixDirectory(const std::string& dir, const CollectorSettings& settings) {
  if (dir.empty()) return nullptr;
  DIR* listing = ::opendir(dir.c_str());
  if (listing != nullptr) return listing;
  // /proc/PID/root of an exited process: ENOENT, or ESRCH while it is being reaped.
  if (settings.through_process_root && (errno == ENOENT || errno == ESRCH)) return nullptr;
  throw std::runtime_error("cannot list " + dir + ": " + std::strerror(errno));
}

}  // namespace ipc_exporter
