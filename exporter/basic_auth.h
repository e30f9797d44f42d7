#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace ipc_exporter {

/// What a request's credentials got.
enum class AuthResult {
  kAllowed,
  kDenied,
  /// Not checked: as many bcrypt runs as allowed are under way (answer 503, try again later).
  kBusy,
};

/// Checks "Authorization: Basic ..." headers against bcrypt hashes (crypt_r from libxcrypt).
///
/// bcrypt costs tens of milliseconds by design, so a credential that verified once is
/// remembered (bounded) and later requests with it cost a lookup; every comparison of secrets is
/// constant-time, and an unknown user costs a bcrypt run like a known one, so timing tells
/// nothing about which users exist. Credentials that are not cached may run bcrypt only a few
/// at a time (`max_concurrent_hashes`): a flood of made-up credentials gets kBusy beyond that
/// instead of taking every CPU, and cached credentials keep working through it. Thread-safe.
class BasicAuthenticator {
 public:
  static constexpr size_t kMaxCachedCredentials = 256;

  /// `max_concurrent_hashes` 0 means half the CPUs, at least one.
  explicit BasicAuthenticator(std::map<std::string, std::string> users,
                              unsigned max_concurrent_hashes = 0);

  bool enabled() const { return !users_.empty(); }

  /// Checks `authorization` (the header's value, or nullptr when absent): allowed if it names
  /// a user whose password matches. A password with a NUL byte is denied (bcrypt would stop
  /// reading at it, so "secret\0anything" would pass for "secret").
  AuthResult Check(const char* authorization);
  bool Allows(const char* authorization) { return Check(authorization) == AuthResult::kAllowed; }

  /// Checks refused as kBusy so far.
  uint64_t busy_refusals() const { return busy_refusals_; }
  unsigned max_concurrent_hashes() const { return max_concurrent_hashes_; }

  /// How many times a password went through bcrypt (tests show the cache works).
  uint64_t bcrypt_runs() const { return bcrypt_runs_; }

  /// The hash an unknown user's password is checked against: of the configured hashes' cost.
  const std::string& dummy_hash() const { return dummy_hash_; }

 private:
  /// nullopt when every bcrypt slot is taken.
  std::optional<bool> Verify(const std::string& password, const std::string& hash);

  std::map<std::string, std::string> users_;
  std::string dummy_hash_;
  std::mutex cache_mutex_;
  std::set<std::string> verified_;  // "user\0password" that verified against the current hash
  std::atomic<uint64_t> bcrypt_runs_{0};
  unsigned max_concurrent_hashes_;
  std::atomic<unsigned> hashes_running_{0};
  std::atomic<uint64_t> busy_refusals_{0};
};

/// The cost of a bcrypt hash ("$2y$10$..." -> 10), nullopt for anything else. Pure.
std::optional<int> BcryptCost(std::string_view hash);

/// Decodes standard base64 (RFC 4648, with padding); false on anything else. Pure.
bool DecodeBase64(std::string_view text, std::string* out);

/// Compares in time that depends on the lengths only.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace ipc_exporter
