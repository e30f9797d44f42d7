#include "exporter/systemd_integration.h"

#include <systemd/sd-daemon.h>

#include <cerrno>
#include <cstring>

namespace ipc_exporter {

std::optional<int> TakeSystemdListenSocket(std::string* why) {
  int count = sd_listen_fds(/*unset_environment=*/1);
  if (count < 0) {
    *why = std::string("cannot read the sockets systemd passed: ") + std::strerror(-count);
    return std::nullopt;
  }
  if (count != 1) {
    *why = "--web.systemd-socket needs exactly one socket from systemd (LISTEN_FDS), got " +
           std::to_string(count);
    return std::nullopt;
  }
  const int fd = SD_LISTEN_FDS_START;
  if (sd_is_socket_inet(fd, AF_INET, SOCK_STREAM, /*listening=*/1, /*port=*/0) <= 0) {
    *why =
        "the socket systemd passed is not a listening IPv4 TCP socket "
        "(use ListenStream=0.0.0.0:PORT: Debian's CivetWeb has no IPv6)";
    return std::nullopt;
  }
  return fd;
}

void SystemdNotifier::Ready(const std::string& status) const {
  sd_notifyf(0, "READY=1\nSTATUS=%s", status.c_str());
}

void SystemdNotifier::Status(const std::string& status) const {
  sd_notifyf(0, "STATUS=%s", status.c_str());
}

void SystemdNotifier::Reloading() const { sd_notify(0, "RELOADING=1"); }

void SystemdNotifier::Stopping() const { sd_notify(0, "STOPPING=1\nSTATUS=Stopping"); }

void SystemdNotifier::WatchdogPing() const { sd_notify(0, "WATCHDOG=1"); }

std::optional<std::chrono::microseconds> SystemdNotifier::WatchdogInterval() const {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(/*unset_environment=*/0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

}  // namespace ipc_exporter
