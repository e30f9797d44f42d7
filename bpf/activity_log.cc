#include "bpf/activity_log.h"

#include <algorithm>
#include <cstring>

namespace ipc_exporter {
namespace {

// A fixed-size kernel string: up to its NUL, or all of it.
std::string FixedString(const char* text, size_t size) {
  return std::string(text, strnlen(text, size));
}

}  // namespace

ActivityEvent DecodeEvent(const activity_event& raw, int64_t boot_to_unix_ns) {
  ActivityEvent event;
  event.unix_time_ns = static_cast<int64_t>(raw.boot_time_ns) + boot_to_unix_ns;
  event.process_start_unix_ns = static_cast<int64_t>(raw.start_boot_time_ns) + boot_to_unix_ns;
  event.ipc_namespace = raw.ipc_namespace;
  event.kind = raw.kind < ACTIVITY_KINDS ? static_cast<activity_kind>(raw.kind) : ACTIVITY_SEM;
  event.type =
      raw.type <= ACTIVITY_CHANGED ? static_cast<activity_event_type>(raw.type) : ACTIVITY_CHANGED;
  event.id = raw.id;
  event.key = raw.key;
  event.pid = raw.pid;
  event.parent_pid = raw.parent_pid;
  event.uid = raw.uid;
  event.command = FixedString(raw.command, sizeof(raw.command));
  event.parent_command = FixedString(raw.parent_command, sizeof(raw.parent_command));
  event.cgroup = FixedString(raw.cgroup, sizeof(raw.cgroup));
  event.cgroup_id = raw.cgroup_id;
  return event;
}

void ActivityLog::Add(ActivityEvent event) {
  std::lock_guard<std::mutex> lock(mutex_);
  const ObjectKey object{event.ipc_namespace, event.kind, event.id};
  if (event.type == ACTIVITY_CREATED) {
    if (auto old = creators_.find(object); old != creators_.end()) {
      creation_order_.erase(old->second.sequence);  // an id the kernel used again
    }
    creators_.insert_or_assign(object, Creation{event, next_sequence_});
    creation_order_.emplace(next_sequence_++, object);
    while (creators_.size() > max_creators_) {
      creators_.erase(creation_order_.begin()->second);
      creation_order_.erase(creation_order_.begin());
    }
  } else if (auto creator = creators_.find(object); creator != creators_.end()) {
    if (event.key == 0) event.key = creator->second.event.key;
    if (event.type == ACTIVITY_REMOVED) {
      creation_order_.erase(creator->second.sequence);
      creators_.erase(creator);
    }
  }

  if (event.type == ACTIVITY_REMOVED) {
    auto& removed = removed_[event.ipc_namespace];
    if (removed.size() < max_creators_) removed.emplace_back(event.kind, event.id);
  }
  std::string command = event.type == ACTIVITY_REMOVED ? event.command : "";
  CountKey count{event.ipc_namespace, event.kind, event.type, command};
  if (!counts_.contains(count) && !command.empty()) {
    size_t& commands = commands_per_namespace_[event.ipc_namespace];
    if (commands >= max_commands_) {
      count = {event.ipc_namespace, event.kind, event.type, "other"};
    } else {
      ++commands;
    }
  }
  ++counts_[count];

  recent_.push_back(std::move(event));
  if (recent_.size() > capacity_) recent_.pop_front();
}

std::vector<ActivityEvent> ActivityLog::Recent() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {recent_.begin(), recent_.end()};
}

std::vector<LifecycleCount> ActivityLog::Counts(uint32_t inode) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<LifecycleCount> counts;
  for (auto it = counts_.lower_bound({inode, 0, 0, ""});
       it != counts_.end() && std::get<0>(it->first) == inode; ++it) {
    const auto& [space, kind, type, command] = it->first;
    counts.push_back({static_cast<activity_kind>(kind), static_cast<activity_event_type>(type),
                      command, it->second});
  }
  return counts;
}

std::vector<std::pair<activity_kind, int32_t>> ActivityLog::TakeRemoved(uint32_t inode) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = removed_.find(inode);
  if (found == removed_.end()) return {};
  std::vector<std::pair<activity_kind, int32_t>> taken = std::move(found->second);
  removed_.erase(found);
  return taken;
}

void ActivityLog::Forget(uint32_t inode, activity_kind kind, int32_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto creator = creators_.find({inode, kind, id});
  if (creator == creators_.end()) return;
  creation_order_.erase(creator->second.sequence);
  creators_.erase(creator);
}

std::optional<ActivityEvent> ActivityLog::Creator(uint32_t inode, activity_kind kind,
                                                  int32_t id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = creators_.find({inode, kind, id});
  if (found == creators_.end()) return std::nullopt;
  return found->second.event;
}

}  // namespace ipc_exporter
