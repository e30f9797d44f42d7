#include "procfs/account_names.h"

#include <grp.h>
#include <pwd.h>

#include <vector>

namespace ipc_exporter {
namespace {

std::string LookUpUser(uint32_t uid) {
  struct passwd entry {};
  struct passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    return found->pw_name;
  }
  return std::to_string(uid);
}

std::string LookUpGroup(uint32_t gid) {
  struct group entry {};
  struct group* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getgrgid_r(gid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    return found->gr_name;
  }
  return std::to_string(gid);
}

template <typename LookUp>
std::string Cached(std::mutex& mutex, std::unordered_map<uint32_t, std::string>& cache, uint32_t id,
                   LookUp look_up) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(id);
    if (it != cache.end()) return it->second;
  }
  std::string name = look_up(id);  // outside the lock: NSS may be slow (LDAP, sssd)
  std::lock_guard<std::mutex> lock(mutex);
  if (cache.size() >= CachedAccountNames::kMaxEntries) cache.clear();
  cache.emplace(id, name);
  return name;
}

}  // namespace

std::string CachedAccountNames::UserName(uint32_t uid) {
  return Cached(mutex_, users_, uid, LookUpUser);
}

void CachedAccountNames::Clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  users_.clear();
  groups_.clear();
}

std::string CachedAccountNames::GroupName(uint32_t gid) {
  return Cached(mutex_, groups_, gid, LookUpGroup);
}

}  // namespace ipc_exporter
