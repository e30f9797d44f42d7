// accept() for the whole process: a pause when file descriptors run out, and a limit of open
// connections per client address.
//
// CivetWeb 1.15 has neither, and it ties a worker thread to each accepted connection. This
// definition in the executable takes the place of libc's for CivetWeb too (the linker exports
// it because libcivetweb refers to it, as with gmtime).
// - With the process's descriptors used up (EMFILE, or ENFILE for the system's), CivetWeb's
//   accept loop retried at once: the pending connection stays in the backlog, poll() reports
//   it again, and the loop spun at ~93% CPU. A failure now sleeps 100 ms, as in nginx and Go's
//   net/http, logged at most once a minute.
// - One client address may hold at most N connections; the next is closed as soon as it is
//   accepted, so that one client trickling requests (slowloris) or holding idle connections
//   cannot take every worker. The open connections of an address are counted from a table of
//   the descriptors accepted for it, each checked to still be the same socket (its inode, read
//   from /proc/self/fd), since CivetWeb's close() is not ours to see.
#include "exporter/accept_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "base/logging.h"

namespace ipc_exporter {
namespace {

std::atomic<int> max_per_client{0};
// The self-check's source, IPv4 address (network order) << 16 | port; 0 = none.
std::atomic<uint64_t> exempt_source{0};
std::atomic<ServingCounters*> counters{nullptr};
LogThrottle exhaustion_log;
LogThrottle limit_log;

/// A connection accepted for a client address, while its descriptor is that socket.
struct Accepted {
  int fd;
  ino_t socket_inode;
  std::string address;
};
std::mutex accepted_mutex;
std::vector<Accepted> accepted;

void NoteExhaustion(int error) {
  ServingCounters* counted = counters.load();
  const uint64_t count = counted == nullptr ? 0 : ++counted->accept_failures;
  if (exhaustion_log.Due()) {
    Log(LogLevel::kWarn,
        "cannot accept connections: out of file descriptors (raise LimitNOFILE or lower "
        "--web.max-requests); pausing the accept loop 100 ms each time",
        {{"err", error == EMFILE ? "EMFILE" : "ENFILE"},
         {"failed_accepts", std::to_string(count)}});
  }
  ::usleep(100 * 1000);
}

// The client's address as text, and whether it is the self-check's exempt source.
std::string ClientAddress(const sockaddr_storage& peer, bool* exempt) {
  char text[INET6_ADDRSTRLEN] = "";
  *exempt = false;
  if (peer.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&peer);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
    *exempt = (uint64_t{v4->sin_addr.s_addr} << 16 | ntohs(v4->sin_port)) == exempt_source.load();
  } else if (peer.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&peer);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
  }
  return text;
}

ino_t InodeOf(int fd) {
  struct stat info {};
  return ::fstat(fd, &info) == 0 ? info.st_ino : 0;
}

// The socket inode that descriptor `fd` is now, from /proc/self/fd ("socket:[INODE]"), or 0.
// Read by path, not through the descriptor: a worker may close it at any moment, and a
// descriptor call racing that close is a race on the descriptor (ThreadSanitizer reports it).
ino_t SocketInodeBehind(int fd) {
  char link[64] = {};
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t length = ::readlink(path.c_str(), link, sizeof(link) - 1);
  if (length <= 0) return 0;
  unsigned long long inode = 0;
  return std::sscanf(link, "socket:[%llu]", &inode) == 1 ? static_cast<ino_t>(inode) : 0;
}

// True if `fd`, just accepted, may stay open under the per-client limit; records it if so.
bool AdmitConnection(int fd) {
  const int limit = max_per_client.load();
  if (limit <= 0) return true;
  sockaddr_storage peer{};
  socklen_t length = sizeof(peer);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0) return true;
  bool exempt = false;
  const std::string address = ClientAddress(peer, &exempt);
  if (exempt || address.empty()) return true;
  std::lock_guard<std::mutex> lock(accepted_mutex);
  int open_from_address = 0;
  size_t kept = 0;
  for (const Accepted& entry : accepted) {
    // Gone (closed, or the number reused by anything but this connection): forgotten.
    if (entry.fd == fd || SocketInodeBehind(entry.fd) != entry.socket_inode) continue;
    open_from_address += entry.address == address;
    accepted[kept++] = entry;
  }
  accepted.resize(kept);
  if (open_from_address >= limit) return false;
  accepted.push_back({fd, InodeOf(fd), address});
  return true;
}

}  // namespace

void LimitConnectionsPerClient(int max_per_address, ServingCounters* serving) {
  max_per_client = max_per_address;
  counters = serving;
}

void ExemptSelfCheckSource(uint32_t ipv4_network_order, uint16_t port) {
  exempt_source = uint64_t{ipv4_network_order} << 16 | port;
}

}  // namespace ipc_exporter

extern "C" int accept(int fd, struct sockaddr* address, socklen_t* length) {
  using namespace ipc_exporter;
  const int accepted_fd = ::accept4(fd, address, length, 0);
  if (accepted_fd < 0) {
    if (errno == EMFILE || errno == ENFILE) {
      const int error = errno;
      NoteExhaustion(error);
      errno = error;
    }
    return accepted_fd;
  }
  if (AdmitConnection(accepted_fd)) return accepted_fd;
  ::close(accepted_fd);
  ServingCounters* counted = counters.load();
  const uint64_t refused = counted == nullptr ? 0 : ++counted->connections_refused;
  if (limit_log.Due()) {
    Log(LogLevel::kWarn,
        "a client holds as many connections as --web.max-connections-per-client allows: "
        "closing its next ones at once",
        {{"refused_total", std::to_string(refused)}});
  }
  errno = ECONNABORTED;  // CivetWeb's accept loop takes this as "nothing accepted"
  return -1;
}
