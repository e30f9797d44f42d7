#include "procfs/diagnosis_memory.h"

#include <algorithm>

namespace ipc_exporter {

void DiagnosisMemory::Remember(int32_t pid, Process process) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (processes_.size() >= kMaxProcesses && !processes_.contains(pid)) {
    // Forget the older half at once, so that a host with many short-lived processes pays for
    // this once in a while rather than on every new one.
    std::vector<uint64_t> ages;
    ages.reserve(processes_.size());
    for (const auto& [ignored, entry] : processes_) ages.push_back(entry.first);
    auto middle = ages.begin() + static_cast<std::ptrdiff_t>(ages.size() / 2);
    std::nth_element(ages.begin(), middle, ages.end());
    const uint64_t cutoff = *middle;
    std::erase_if(processes_, [cutoff](const auto& entry) { return entry.second.first < cutoff; });
  }
  processes_[pid] = {++sequence_, std::move(process)};
}

std::optional<DiagnosisMemory::Process> DiagnosisMemory::Recall(int32_t pid) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = processes_.find(pid);
  if (it == processes_.end()) return std::nullopt;
  return it->second.second;
}

std::vector<DiagnosisMemory::Object> DiagnosisMemory::Objects(
    uint64_t ipc_namespace, char kind, const std::vector<std::pair<int32_t, int64_t>>& objects,
    int64_t now) {
  std::unordered_map<int32_t, Object> current;
  current.reserve(objects.size());
  std::vector<Object> recalled;
  recalled.reserve(objects.size());
  std::lock_guard<std::mutex> lock(mutex_);
  std::unordered_map<int32_t, Object>& known = objects_[{ipc_namespace, kind}];
  for (const auto& [id, bound] : objects) {
    Object object;
    if (auto it = known.find(id); it != known.end()) object = it->second;
    const int64_t seen = bound > 0 ? std::min(bound, now) : now;
    if (object.created_no_later_than == 0 || seen < object.created_no_later_than) {
      object.created_no_later_than = seen;
    }
    current[id] = object;
    recalled.push_back(object);
  }
  known.swap(current);
  return recalled;
}

void DiagnosisMemory::RememberPoolParent(uint64_t ipc_namespace, char kind, int32_t id,
                                         ProcessIdentity parent) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto space = objects_.find({ipc_namespace, kind});
  if (space == objects_.end()) return;
  auto it = space->second.find(id);
  if (it != space->second.end()) it->second.pool_parent = parent;
}

}  // namespace ipc_exporter
