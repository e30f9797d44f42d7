#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ipc_exporter {

/// Turns uids and gids into names for the `user` and `group` labels.
class AccountNames {
 public:
  virtual ~AccountNames() = default;
  /// The user's name, or the uid in decimal when the account database has none (as ipcs does).
  virtual std::string UserName(uint32_t uid) = 0;
  /// The group's name, or the gid in decimal.
  virtual std::string GroupName(uint32_t gid) = 0;
};

/// Looks names up with getpwuid_r / getgrgid_r once and keeps them: ipcs and lsipc read
/// /etc/passwd again for every row, which is what makes them slow on large hosts.
///
/// The cache is bounded: past kMaxEntries it is emptied and refilled, so a host with millions of
/// ids cannot grow it without limit. A renamed account shows its new name after that or a restart.
/// Thread-safe.
class CachedAccountNames final : public AccountNames {
 public:
  static constexpr size_t kMaxEntries = 4096;

  std::string UserName(uint32_t uid) override;
  std::string GroupName(uint32_t gid) override;
  /// Forgets every name, so renamed accounts show their new names (on SIGHUP).
  void Clear();

 private:
  std::mutex mutex_;
  std::unordered_map<uint32_t, std::string> users_;
  std::unordered_map<uint32_t, std::string> groups_;
};

}  // namespace ipc_exporter
