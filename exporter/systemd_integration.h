#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace ipc_exporter {

/// The one listening socket systemd passed to a socket-activated service (LISTEN_FDS), checked
/// to be an IPv4 TCP listener (Debian's CivetWeb has no IPv6: the socket unit says 0.0.0.0).
/// Returns nullopt with `why` set when there is none or it is of another kind.
std::optional<int> TakeSystemdListenSocket(std::string* why);

/// Tells systemd how the service is doing (Type=notify). Without NOTIFY_SOCKET in the
/// environment every call does nothing, so the exporter runs the same outside systemd.
/// Thread-safe.
class SystemdNotifier {
 public:
  void Ready(const std::string& status) const;
  void Status(const std::string& status) const;
  void Reloading() const;
  void Stopping() const;
  void WatchdogPing() const;

  /// How often systemd expects a WATCHDOG=1 (WatchdogSec=), or nullopt when it does not.
  std::optional<std::chrono::microseconds> WatchdogInterval() const;
};

}  // namespace ipc_exporter
