#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "posix_collectors.h"

namespace ipc_exporter {

bool GoneWithItsProcess(int error, const CollectorSettings& settings) {
  return settings.through_process_root && (error == ENOENT || error == ESRCH);
}

DIR* OpenPosixDirectory(const std::string& dir, const CollectorSettings& settings) {
  if (dir.empty()) return nullptr;
  DIR* listing = ::opendir(dir.c_str());
  if (listing != nullptr) return listing;
  if (GoneWithItsProcess(errno, settings)) return nullptr;
  throw std::runtime_error("cannot list " + dir + ": " + std::strerror(errno));
}

}  // namespace ipc_exporter
