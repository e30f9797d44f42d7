#include "exporter/basic_auth.h"

#include <crypt.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>
#include <thread>

namespace ipc_exporter {
namespace {

// A valid bcrypt hash of a random password at cost 10, for when no user is configured.
constexpr const char* kDummyHash = "$2b$10$fVO1tLDciLAq5.O9r4dO4e0F2xAPJhCmG7p8kLvQj3reBxVUqnG1q";

/// A bcrypt hash of a random password at `cost`, so that refusing an unknown user takes as long
/// as checking a known one; the fixed hash if one cannot be made.
std::string DummyHashOfCost(int cost) {
  char random[16];
  std::string password(32, 'x');
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  if (!urandom.read(random, sizeof(random)) || !urandom.read(password.data(), 32)) {
    return kDummyHash;
  }
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), random, sizeof(random), setting,
                       sizeof(setting)) == nullptr) {
    return kDummyHash;
  }
  for (char& c : password) c = static_cast<char>('a' + (static_cast<unsigned char>(c) % 26));
  auto data = std::make_unique<crypt_data>();
  const char* hash = crypt_r(password.c_str(), setting, data.get());
  return hash != nullptr && hash[0] == '$' ? std::string(hash) : std::string(kDummyHash);
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool DecodeBase64(std::string_view text, std::string* out) {
  out->clear();
  if (text.size() % 4 != 0) return false;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int padding = 0;
    for (int j = 0; j < 4; ++j) {
      char c = text[i + static_cast<size_t>(j)];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        v[j] = 0;
        ++padding;
        continue;
      }
      if (padding > 0) return false;  // data after '='
      v[j] = value(c);
      if (v[j] < 0) return false;
    }
    uint32_t bits = (static_cast<uint32_t>(v[0]) << 18) | (static_cast<uint32_t>(v[1]) << 12) |
                    (static_cast<uint32_t>(v[2]) << 6) | static_cast<uint32_t>(v[3]);
    out->push_back(static_cast<char>(bits >> 16));
    if (padding < 2) out->push_back(static_cast<char>((bits >> 8) & 0xff));
    if (padding < 1) out->push_back(static_cast<char>(bits & 0xff));
  }
  return true;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

std::optional<int> BcryptCost(std::string_view hash) {
  // $2a$, $2b$ or $2y$, then two digits and '$'.
  if (hash.size() < 7 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$' ||
      !std::isdigit(static_cast<unsigned char>(hash[4])) ||
      !std::isdigit(static_cast<unsigned char>(hash[5]))) {
    return std::nullopt;
  }
  return (hash[4] - '0') * 10 + (hash[5] - '0');
}

BasicAuthenticator::BasicAuthenticator(std::map<std::string, std::string> users,
                                       unsigned max_concurrent_hashes)
    : users_(std::move(users)),
      dummy_hash_(kDummyHash),
      max_concurrent_hashes_(max_concurrent_hashes > 0
                                 ? max_concurrent_hashes
                                 : std::max(1u, std::thread::hardware_concurrency() / 2)) {
  // The dummy hash costs what the configured hashes cost (the highest, if they differ), so the
  // time an unknown user takes cannot be told from a wrong password's.
  std::optional<int> cost;
  for (const auto& [user, hash] : users_) {
    std::optional<int> c = BcryptCost(hash);
    if (c && (!cost || *c > *cost)) cost = c;
  }
  if (cost && cost != BcryptCost(kDummyHash)) dummy_hash_ = DummyHashOfCost(*cost);
}

std::optional<bool> BasicAuthenticator::Verify(const std::string& password,
                                               const std::string& hash) {
  if (hashes_running_.fetch_add(1) >= max_concurrent_hashes_) {
    --hashes_running_;
    ++busy_refusals_;
    return std::nullopt;
  }
  struct Release {
    std::atomic<unsigned>& running;
    ~Release() { --running; }
  } release{hashes_running_};
  ++bcrypt_runs_;
  auto data = std::make_unique<crypt_data>();  // 32 KiB: not for the stack
  const char* result = crypt_r(password.c_str(), hash.c_str(), data.get());
  return result != nullptr && result[0] != '*' && ConstantTimeEquals(result, hash);
}

AuthResult BasicAuthenticator::Check(const char* authorization) {
  if (authorization == nullptr) return AuthResult::kDenied;
  std::string_view header = authorization;
  if (!StartsWithIgnoreCase(header, "basic ")) return AuthResult::kDenied;
  header.remove_prefix(6);
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  std::string decoded;
  if (header.size() > 4096 || !DecodeBase64(header, &decoded)) return AuthResult::kDenied;
  const size_t colon = decoded.find(':');
  if (colon == std::string::npos || decoded.find('\0') != std::string::npos) {
    return AuthResult::kDenied;
  }
  const std::string user = decoded.substr(0, colon);
  const std::string password = decoded.substr(colon + 1);

  auto it = users_.find(user);
  if (it == users_.end()) {
    // As slow as a real user, and always refused.
    return Verify(password, dummy_hash_) ? AuthResult::kDenied : AuthResult::kBusy;
  }
  const std::string key = user + '\0' + password;
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    bool cached = false;
    for (const std::string& entry : verified_) cached |= ConstantTimeEquals(entry, key);
    if (cached) return AuthResult::kAllowed;
  }
  const std::optional<bool> verified = Verify(password, it->second);
  if (!verified) return AuthResult::kBusy;
  if (!*verified) return AuthResult::kDenied;
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (verified_.size() >= kMaxCachedCredentials) verified_.clear();
  verified_.insert(key);
  return AuthResult::kAllowed;
}

}  // namespace ipc_exporter
