#pragma once

#include <cstdint>
#include <vector>

#include "bpf/activity_source.h"

namespace ipc_exporter {

/// The whole object map as one read found it, shared by the IPC namespaces of one collection.
///
/// With --ipc.namespaces=all one activity collector per namespace asks for its objects, all in
/// the same collection; reading the whole map for each would cost namespaces x map size. So a
/// namespace is served from the read made in the same collection (numbered by the scraper),
/// once: whatever it publishes was read after its collection began. Collection 0 (unknown) is
/// never served. Not thread-safe: its owner locks.
class ObjectMapSnapshot {
 public:
  /// Whether namespace `inode` may be served from the snapshot in collection `collection`.
  bool Serves(uint64_t collection, uint32_t inode) const;

  /// Begins a new snapshot read in `collection`: returns its entries, emptied (their memory
  /// kept), for the caller to fill with the whole map.
  std::vector<ObjectActivity>& Renew(uint64_t collection);

  /// Namespace `inode`'s objects into `objects` (emptied first); the snapshot has then served it.
  void CopyNamespace(uint32_t inode, std::vector<ObjectActivity>* objects);

  /// Drops objects the map no longer holds, so that no namespace is served them.
  void Drop(const std::vector<activity_key>& keys);

 private:
  uint64_t collection_ = 0;
  std::vector<ObjectActivity> entries_;
  std::vector<uint32_t> served_;  // namespaces served from this read
};

}  // namespace ipc_exporter
