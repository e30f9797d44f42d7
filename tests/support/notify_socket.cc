#include "notify_socket.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace ipc_exporter::testing {

NotifySocket::NotifySocket() {
  path_ = std::filesystem::temp_directory_path() /
          ("ipc_notify_" + std::to_string(::getpid()) + ".sock");
  std::filesystem::remove(path_);
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path_.c_str());
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    if (fd_ >= 0) ::close(fd_);
    throw std::runtime_error("cannot bind the notify socket " + path_.string());
  }
  timeval timeout{0, 100000};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
}

NotifySocket::~NotifySocket() {
  ::close(fd_);
  std::filesystem::remove(path_);
}

bool NotifySocket::Receive() {
  char buffer[4096];
  ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
  if (n <= 0) return false;
  messages_.emplace_back(buffer, static_cast<size_t>(n));
  return true;
}

bool NotifySocket::WaitForMessage(const std::string& wanted, int timeout_ms) {
  return WaitForCount(wanted, 1, timeout_ms) >= 1;
}

int NotifySocket::WaitForCount(const std::string& wanted, int count, int timeout_ms) {
  for (int waited = 0; Count(wanted) < count && waited < timeout_ms; waited += 100) Receive();
  return Count(wanted);
}

int NotifySocket::Count(const std::string& wanted) const {
  int count = 0;
  for (const std::string& message : messages_) count += message.find(wanted) != std::string::npos;
  return count;
}

}  // namespace ipc_exporter::testing
