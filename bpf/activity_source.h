#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bpf/activity_abi.h"
#include "bpf/activity_log.h"

namespace ipc_exporter {

/// One object's counters as the kernel keeps them.
struct ObjectActivity {
  activity_key key{};
  activity_counters counters{};
};

/// How the tracing itself fares.
struct ActivityStats {
  uint64_t events_lost = 0;        // the event ring was full: the traced call went on unrecorded
  uint64_t objects_untracked = 0;  // calls on objects the full map had no room for
  uint64_t calls_untracked = 0;    // calls the in-flight map had no room for
  uint64_t map_bytes = 0;          // kernel memory of the maps (bounded: fixed at load)
  uint64_t objects_tracked = 0;    // objects in the map at the last read
};

/// What the kernel-side tracing counts, for the activity collector. The real one is
/// BpfActivity (bpf_activity.h); tests feed records of their own. Thread-safe.
class ActivitySource {
 public:
  virtual ~ActivitySource() = default;

  /// Whether tracing runs; if not, why not (one line for the metric's label and the log).
  virtual bool enabled() const = 0;
  virtual std::string why_disabled() const = 0;

  /// The inode of the IPC namespace `ipc_namespace` stands for: itself, or for 0 (the
  /// exporter's own, in CollectorSettings) the exporter's own namespace's inode.
  virtual uint32_t NamespaceInode(uint64_t ipc_namespace) const = 0;

  /// Every object of IPC namespace `inode` the kernel has counted calls on, into `objects`
  /// (emptied first; a caller that keeps it between scrapes reuses its memory). `collection`:
  /// the number of the scrape's collection (CollectorSettings::Collection), whose namespaces
  /// may share one read of the kernel's map; 0 (unknown) reads it anew.
  virtual void ReadObjects(uint32_t inode, uint64_t collection,
                           std::vector<ObjectActivity>* objects) = 0;

  /// Drops the counters of objects that are gone (after they were published once).
  virtual void Forget(const std::vector<activity_key>& keys) = 0;

  virtual ActivityStats Stats() = 0;

  /// The lifecycle events, as far as the exporter keeps them.
  virtual const ActivityLog& log() const = 0;

  /// The objects of namespace `inode` removed since the last call (ActivityLog::TakeRemoved).
  virtual std::vector<std::pair<activity_kind, int32_t>> TakeRemoved(uint32_t inode) = 0;

  /// A number that grows by one per call: whose turn it is to be checked for existence.
  virtual uint64_t NextSweepTurn() = 0;
};

}  // namespace ipc_exporter
