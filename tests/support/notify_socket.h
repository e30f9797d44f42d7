#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ipc_exporter::testing {

/// A unix datagram socket standing in for systemd's NOTIFY_SOCKET, removed by the destructor.
class NotifySocket {
 public:
  NotifySocket();  // throws std::runtime_error if it cannot bind
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  std::string path() const { return path_.string(); }

  /// Collects messages until one contains `wanted` (true) or `timeout_ms` passes (false).
  bool WaitForMessage(const std::string& wanted, int timeout_ms = 10000);
  /// Collects messages until `count` of them contain `wanted` or `timeout_ms` passes; returns
  /// how many do.
  int WaitForCount(const std::string& wanted, int count, int timeout_ms);
  int Count(const std::string& wanted) const;
  void Forget() { messages_.clear(); }

 private:
  bool Receive();  // waits up to 100 ms for one message
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

}  // namespace ipc_exporter::testing
