#include "bpf/bpf_activity.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <mutex>

#include "base/logging.h"
#include "bpf/ipc_activity.skel.h"

namespace ipc_exporter {
namespace {

// libbpf's last warning while loading, for the reason a load failed (libbpf says which
// program, map or relocation; the errno alone does not).
std::mutex libbpf_message_mutex;
std::string libbpf_last_warning;

int TakeLibbpfMessage(enum libbpf_print_level level, const char* format, va_list args) {
  char line[512];
  std::vsnprintf(line, sizeof(line), format, args);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (level == LIBBPF_DEBUG || text.empty()) return 0;
  std::lock_guard<std::mutex> lock(libbpf_message_mutex);
  libbpf_last_warning = text;
  Log(LogLevel::kDebug, "libbpf", {{"msg", text}});
  return 0;
}

std::string LastLibbpfWarning() {
  std::lock_guard<std::mutex> lock(libbpf_message_mutex);
  return libbpf_last_warning;
}

int64_t Nanoseconds(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

uint32_t OwnIpcNamespaceInode() {
  struct stat info {};
  if (::stat("/proc/self/ns/ipc", &info) != 0) return 0;
  return static_cast<uint32_t>(info.st_ino);
}

// The kernel memory a map is charged (memlock in /proc/self/fdinfo/FD): what the maps cost.
uint64_t MapMemory(int fd) {
  std::ifstream fdinfo("/proc/self/fdinfo/" + std::to_string(fd));
  std::string field;
  uint64_t value = 0;
  while (fdinfo >> field) {
    if (field == "memlock:" && fdinfo >> value) return value;
  }
  return 0;
}

// IPC ids are the sequence number shifted left by 15 bits plus the index, or by 24 when the
// kernel was booted with ipcmni_extend (Linux 5.1+, ipc/util.h).
uint32_t IpcIdSequenceShift() {
  std::ifstream command_line("/proc/cmdline");
  std::string word;
  while (command_line >> word) {
    if (word == "ipcmni_extend") return 24;
  }
  return 15;
}

std::string Explain(const char* step, int error) {
  std::string why = std::string(step) + ": " + std::strerror(error);
  if (error == EPERM || error == EACCES) why += " (needs CAP_BPF and CAP_PERFMON)";
  const std::string warning = LastLibbpfWarning();
  if (!warning.empty()) why += "; libbpf: " + warning;
  return why;
}

}  // namespace

BpfActivity::BpfActivity(const Options& options) : log_(options.events_kept) {
  own_inode_ = OwnIpcNamespaceInode();
  boot_to_unix_ns_ = Nanoseconds(CLOCK_REALTIME) - Nanoseconds(CLOCK_BOOTTIME);
  why_disabled_ = Load(options);
  if (!why_disabled_.empty()) Unload();
}

void BpfActivity::StartTakingEvents(EventObserver observe) {
  if (!enabled() || poller_.joinable()) return;
  observe_ = std::move(observe);
  poller_ = std::thread([this] {
    while (!stop_.load()) {
      int taken = ring_buffer__poll(ring_, 200 /* ms: how soon a stop is seen */);
      if (taken < 0 && taken != -EINTR) {
        Log(LogLevel::kError, "reading BPF events failed", {{"err", std::strerror(-taken)}});
        return;
      }
    }
  });
}

BpfActivity::~BpfActivity() {
  stop_ = true;
  if (poller_.joinable()) poller_.join();
  Unload();
}

std::string BpfActivity::Load(const Options& options) {
  libbpf_set_print(TakeLibbpfMessage);
  if (::access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
    return "the kernel has no BTF (/sys/kernel/btf/vmlinux): CO-RE needs CONFIG_DEBUG_INFO_BTF";
  }
  skeleton_ = ipc_activity__open();
  if (skeleton_ == nullptr) return Explain("opening the BPF object failed", errno);
  skeleton_->rodata->only_namespace = options.all_namespaces ? 0 : own_inode_;
  skeleton_->rodata->id_seq_shift = IpcIdSequenceShift();
  max_objects_ = options.max_objects;
  all_namespaces_ = options.all_namespaces;
  if (int error = bpf_map__set_max_entries(skeleton_->maps.objects, options.max_objects)) {
    return Explain("sizing the object map failed", -error);
  }
  if (int error = ipc_activity__load(skeleton_)) {
    return Explain("loading the BPF programs failed", -error);
  }
  if (int error = ipc_activity__attach(skeleton_)) {
    std::string why = Explain("attaching to the IPC syscall tracepoints failed", -error);
    if (::access("/sys/kernel/tracing/events/syscalls", R_OK) != 0 &&
        ::access("/sys/kernel/debug/tracing/events/syscalls", R_OK) != 0) {
      why += " (tracefs is not mounted at /sys/kernel/tracing)";
    }
    return why;
  }
  ring_ = ring_buffer__new(bpf_map__fd(skeleton_->maps.events), TakeEvent, this, nullptr);
  if (ring_ == nullptr) return Explain("opening the event ring failed", errno);
  for (const bpf_map* map :
       {skeleton_->maps.objects, skeleton_->maps.calls, skeleton_->maps.attachments,
        skeleton_->maps.events, skeleton_->maps.stats, skeleton_->maps.rodata}) {
    map_bytes_ += MapMemory(bpf_map__fd(map));
  }
  return "";
}

void BpfActivity::Unload() {
  if (ring_ != nullptr) ring_buffer__free(ring_);
  ring_ = nullptr;
  if (skeleton_ != nullptr) ipc_activity__destroy(skeleton_);
  skeleton_ = nullptr;
}

int BpfActivity::TakeEvent(void* self, void* data, size_t size) {
  auto* activity = static_cast<BpfActivity*>(self);
  if (size < sizeof(activity_event)) return 0;
  activity_event raw;
  std::memcpy(&raw, data, sizeof(raw));
  ActivityEvent event = DecodeEvent(raw, activity->boot_to_unix_ns_);
  if (activity->observe_) activity->observe_(event);
  activity->log_.Add(std::move(event));
  return 0;
}

uint32_t BpfActivity::NamespaceInode(uint64_t ipc_namespace) const {
  return ipc_namespace == 0 ? own_inode_ : static_cast<uint32_t>(ipc_namespace);
}

bool BpfActivity::OfStaleNamespace(const activity_key& key,
                                   std::chrono::steady_clock::time_point now) {
  auto [seen, first] = namespace_read_.try_emplace(key.ipc_namespace, now);
  return !first && now - seen->second > kStaleNamespace;
}

void BpfActivity::ReadObjects(uint32_t inode, uint64_t collection,
                              std::vector<ObjectActivity>* objects) {
  objects->clear();
  if (!enabled()) return;
  const auto now = std::chrono::steady_clock::now();
  std::vector<activity_key> stale;
  {
    std::lock_guard<std::mutex> lock(namespaces_mutex_);
    namespace_read_[inode] = now;
    if (!all_namespaces_) {
      ReadMap(inode, now, objects, &stale);  // the programs count the exporter's namespace alone
    } else {
      // One read of the whole map serves every namespace of the collection.
      if (!snapshot_.Serves(collection, inode))
        ReadMap(0, now, &snapshot_.Renew(collection), &stale);
      snapshot_.CopyNamespace(inode, objects);
    }
    std::erase_if(namespace_read_,
                  [&](const auto& entry) { return now - entry.second > 2 * kStaleNamespace; });
  }
  if (!stale.empty()) Forget(stale);
}

void BpfActivity::ReadMap(uint32_t only_inode, std::chrono::steady_clock::time_point now,
                          std::vector<ObjectActivity>* objects, std::vector<activity_key>* stale) {
  const int fd = bpf_map__fd(skeleton_->maps.objects);
  uint64_t tracked = 0;
  // In batches: one syscall per few hundred objects rather than two per object.
  std::vector<activity_key> keys(256);
  std::vector<activity_counters> values(keys.size());
  activity_key batch{};
  bool first = true;
  for (;;) {
    __u32 count = static_cast<__u32>(keys.size());
    int error = bpf_map_lookup_batch(fd, first ? nullptr : &batch, &batch, keys.data(),
                                     values.data(), &count, nullptr);
    error = error < 0 ? errno : 0;
    tracked += count;
    for (__u32 i = 0; i < count; ++i) {
      if (keys[i].ipc_namespace == only_inode) {
        objects->push_back({keys[i], values[i]});
      } else if (OfStaleNamespace(keys[i], now)) {
        stale->push_back(keys[i]);
      } else if (only_inode == 0) {
        objects->push_back({keys[i], values[i]});
      }
    }
    if (error == ENOENT) break;  // the end of the map
    if (error != 0) {
      Log(LogLevel::kWarn, "reading the BPF object map failed", {{"err", std::strerror(error)}});
      break;
    }
    first = false;
  }
  objects_tracked_ = tracked;
}

void BpfActivity::Forget(const std::vector<activity_key>& keys) {
  if (!enabled()) return;
  const int fd = bpf_map__fd(skeleton_->maps.objects);
  for (const activity_key& key : keys) {
    bpf_map_delete_elem(fd, &key);
    log_.Forget(key.ipc_namespace, static_cast<activity_kind>(key.kind), key.id);
  }
  std::lock_guard<std::mutex> lock(namespaces_mutex_);
  snapshot_.Drop(keys);
}

ActivityStats BpfActivity::Stats() {
  ActivityStats stats;
  if (!enabled()) return stats;
  stats.map_bytes = map_bytes_;
  stats.objects_tracked = objects_tracked_;
  const int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) return stats;
  std::vector<uint64_t> per_cpu(static_cast<size_t>(cpus));
  auto total = [&](uint32_t slot) {
    uint64_t sum = 0;
    if (bpf_map_lookup_elem(bpf_map__fd(skeleton_->maps.stats), &slot, per_cpu.data()) == 0) {
      for (uint64_t value : per_cpu) sum += value;
    }
    return sum;
  };
  stats.events_lost = total(ACTIVITY_STAT_EVENTS_LOST);
  stats.objects_untracked = total(ACTIVITY_STAT_OBJECTS_UNTRACKED);
  stats.calls_untracked = total(ACTIVITY_STAT_CALLS_UNTRACKED);
  return stats;
}

}  // namespace ipc_exporter
