#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace ipc_exporter {

/// Checks "Authorization: Basic ..." headers against bcrypt hashes (crypt_r from libxcrypt).
///
/// bcrypt costs tens of milliseconds by design, so a credential that verified once is
/// remembered (bounded) and later requests with it cost a lookup; every comparison of secrets is
/// constant-time, and an unknown user costs a bcrypt run like a known one, so timing tells
/// nothing about which users exist. Thread-safe.
class BasicAuthenticator {
 public:
  static constexpr size_t kMaxCachedCredentials = 256;

  explicit BasicAuthenticator(std::map<std::string, std::string> users);

  bool enabled() const { return !users_.empty(); }

  /// True if `authorization` (the header's value, or nullptr when absent) names a user whose
  /// password matches.
  bool Allows(const char* authorization);

  /// How many times a password went through bcrypt (tests show the cache works).
  uint64_t bcrypt_runs() const { return bcrypt_runs_; }

  /// The hash an unknown user's password is checked against: of the configured hashes' cost.
  const std::string& dummy_hash() const { return dummy_hash_; }

 private:
  bool Verify(const std::string& password, const std::string& hash);

  std::map<std::string, std::string> users_;
  std::string dummy_hash_;
  std::mutex cache_mutex_;
  std::set<std::string> verified_;  // "user\0password" that verified against the current hash
  std::atomic<uint64_t> bcrypt_runs_{0};
};

/// The cost of a bcrypt hash ("$2y$10$..." -> 10), nullopt for anything else. Pure.
std::optional<int> BcryptCost(std::string_view hash);

/// Decodes standard base64 (RFC 4648, with padding); false on anything else. Pure.
bool DecodeBase64(std::string_view text, std::string* out);

/// Compares in time that depends on the lengths only.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace ipc_exporter
