#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bpf/activity_source.h"
#include "bpf/object_map_snapshot.h"

struct ipc_activity;  // the skeleton bpftool generates from ipc_activity.bpf.c
struct ring_buffer;

namespace ipc_exporter {

/// The kernel side of --collector.activity: loads the BPF programs of ipc_activity.bpf.c through
/// their CO-RE skeleton, attaches them to the System V IPC syscall tracepoints, reads their maps
/// at scrape time and takes their lifecycle events on a thread of its own.
///
/// Never fails to construct: where BPF cannot load (no CAP_BPF or CAP_PERFMON, no kernel BTF,
/// no tracefs, an old kernel, lockdown) enabled() is false and why_disabled() says why, and
/// the exporter serves everything else. Observes only: no program changes what it traces.
class BpfActivity final : public ActivitySource {
 public:
  struct Options {
    bool all_namespaces = false;  // trace every IPC namespace, not only the exporter's own
    uint32_t max_objects = 4096;  // objects the counter map holds (its memory is fixed at load)
    size_t events_kept = 1000;    // lifecycle events the exporter keeps
  };

  /// Loads and attaches the programs; takes no events yet (StartTakingEvents), so that the
  /// caller may drop the capabilities loading needed before any thread exists.
  explicit BpfActivity(const Options& options);

  /// Starts the thread that takes the lifecycle events from the ring. Once. `observe`, if
  /// given, also sees each event as it is taken (on that thread).
  using EventObserver = std::function<void(const ActivityEvent&)>;
  void StartTakingEvents(EventObserver observe = nullptr);

  ~BpfActivity() override;
  BpfActivity(const BpfActivity&) = delete;
  BpfActivity& operator=(const BpfActivity&) = delete;

  bool enabled() const override { return skeleton_ != nullptr; }
  std::string why_disabled() const override { return why_disabled_; }
  uint32_t NamespaceInode(uint64_t ipc_namespace) const override;
  void ReadObjects(uint32_t inode, uint64_t collection,
                   std::vector<ObjectActivity>* objects) override;
  void Forget(const std::vector<activity_key>& keys) override;
  ActivityStats Stats() override;
  const ActivityLog& log() const override { return log_; }
  std::vector<std::pair<activity_kind, int32_t>> TakeRemoved(uint32_t inode) override {
    return log_.TakeRemoved(inode);
  }
  uint64_t NextSweepTurn() override { return sweep_turn_++; }

 private:
  std::string Load(const Options& options);  // "" or why not
  void Unload();
  static int TakeEvent(void* self, void* data, size_t size);
  /// Whether an object of another namespace than the one being read belongs to a namespace no
  /// collection has read for kStaleNamespace: a namespace ends without an IPC_RMID of its
  /// objects, and their entries would fill the map. Call with namespaces_mutex_ held.
  bool OfStaleNamespace(const activity_key& key, std::chrono::steady_clock::time_point now);
  /// The whole map into `objects`, but for objects of stale namespaces (into `stale`) and, given
  /// an `only_inode`, objects of other namespaces. Call with namespaces_mutex_ held.
  void ReadMap(uint32_t only_inode, std::chrono::steady_clock::time_point now,
               std::vector<ObjectActivity>* objects, std::vector<activity_key>* stale);
  static constexpr std::chrono::minutes kStaleNamespace{10};

  ipc_activity* skeleton_ = nullptr;
  ring_buffer* ring_ = nullptr;
  std::string why_disabled_;
  uint32_t own_inode_ = 0;
  int64_t boot_to_unix_ns_ = 0;
  uint64_t map_bytes_ = 0;
  uint32_t max_objects_ = 0;
  bool all_namespaces_ = false;
  std::atomic<uint64_t> objects_tracked_{0};
  std::atomic<uint64_t> sweep_turn_{0};
  ActivityLog log_;
  EventObserver observe_;
  std::mutex namespaces_mutex_;
  std::map<uint32_t, std::chrono::steady_clock::time_point> namespace_read_;  // or first seen
  // With all namespaces: the last read of the whole map, for the other namespaces of the scrape.
  ObjectMapSnapshot snapshot_;
  std::atomic<bool> stop_{false};
  std::thread poller_;
};

}  // namespace ipc_exporter
