// accept() for the whole process, with a pause when file descriptors run out.
//
// CivetWeb 1.15's accept loop retries at once when accept() fails: with the process's file
// descriptors used up (EMFILE, or ENFILE for the system's), the pending connection stays in the
// backlog, poll() reports it again, and the loop spins at ~93% CPU (29k accept calls a second)
// until descriptors free up. This definition in the executable takes the place of libc's for
// CivetWeb too (the linker exports it because libcivetweb refers to it, as with gmtime), and
// sleeps 100 ms after such a failure: the backlog waits a moment, as in nginx and Go's net/http,
// and the CPU stays with the scrapes. Logged at most once a minute.
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <ctime>
#include <string>

#include "logging.h"

namespace {

std::atomic<uint64_t> exhausted_accepts{0};
std::atomic<int64_t> logged_at{0};

void NoteExhaustion(int error) {
  const uint64_t count = ++exhausted_accepts;
  const int64_t now = std::time(nullptr);
  int64_t last = logged_at.load();
  if (now - last >= 60 && logged_at.compare_exchange_strong(last, now)) {
    ipc_exporter::Log(ipc_exporter::LogLevel::kWarn,
                      "cannot accept connections: out of file descriptors (raise LimitNOFILE or "
                      "lower --web.max-requests); pausing the accept loop 100 ms each time",
                      {{"err", error == EMFILE ? "EMFILE" : "ENFILE"},
                       {"failed_accepts", std::to_string(count)}});
  }
  ::usleep(100 * 1000);
}

}  // namespace

extern "C" int accept(int fd, struct sockaddr* address, socklen_t* length) {
  const int accepted = ::accept4(fd, address, length, 0);
  if (accepted < 0 && (errno == EMFILE || errno == ENFILE)) {
    const int error = errno;
    NoteExhaustion(error);
    errno = error;
  }
  return accepted;
}
