#include "self_check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <charconv>

namespace ipc_exporter {

bool HealthzAnswers(const std::string& address, std::chrono::milliseconds timeout) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = address.substr(0, colon);
  if (host == "0.0.0.0") host = "127.0.0.1";
  int port = 0;
  std::from_chars(address.data() + colon + 1, address.data() + address.size(), port);
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &target.sin_addr) != 1) return false;

  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const auto ms = timeout.count();
  timeval limit{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof(target)) == 0) {
    const char request[] = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    if (::send(fd, request, sizeof(request) - 1, MSG_NOSIGNAL) ==
        static_cast<ssize_t>(sizeof(request) - 1)) {
      char reply[64] = {};
      ssize_t got = ::recv(fd, reply, sizeof(reply) - 1, 0);
      ok = got >= 12 && std::string_view(reply, 12).substr(9, 3) == "200";
    }
  }
  ::close(fd);
  return ok;
}

}  // namespace ipc_exporter
