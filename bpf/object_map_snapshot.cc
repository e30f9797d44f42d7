#include "bpf/object_map_snapshot.h"

#include <algorithm>
#include <tuple>

namespace ipc_exporter {
namespace {

bool KeyBefore(const activity_key& a, const activity_key& b) {
  return std::tie(a.ipc_namespace, a.kind, a.id) < std::tie(b.ipc_namespace, b.kind, b.id);
}

}  // namespace

bool ObjectMapSnapshot::Serves(uint64_t collection, uint32_t inode) const {
  return collection != 0 && collection == collection_ &&
         std::find(served_.begin(), served_.end(), inode) == served_.end();
}

std::vector<ObjectActivity>& ObjectMapSnapshot::Renew(uint64_t collection) {
  collection_ = collection;
  served_.clear();
  entries_.clear();
  return entries_;
}

void ObjectMapSnapshot::CopyNamespace(uint32_t inode, std::vector<ObjectActivity>* objects) {
  objects->clear();
  for (const ObjectActivity& entry : entries_) {
    if (entry.key.ipc_namespace == inode) objects->push_back(entry);
  }
  served_.push_back(inode);
}

void ObjectMapSnapshot::Drop(const std::vector<activity_key>& keys) {
  // Sorted, so that a namespace's thousands of entries dropped at once cost no more than a sort.
  std::vector<activity_key> dropped = keys;
  std::sort(dropped.begin(), dropped.end(), KeyBefore);
  std::erase_if(entries_, [&](const ObjectActivity& entry) {
    return std::binary_search(dropped.begin(), dropped.end(), entry.key, KeyBefore);
  });
}

}  // namespace ipc_exporter
