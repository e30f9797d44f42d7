#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exposition/exposition_writer.h"
#include "procfs/account_names.h"
#include "procfs/ipc_syscalls.h"
#include "procfs/proc_fs.h"
#include "procfs/process_table.h"

namespace ipc_exporter {

struct FileHolders;     // posix_shm_holders.h
class DiagnosisMemory;  // diagnosis_memory.h
class ActivitySource;   // bpf/activity_source.h

/// Collector flags (--collector.NAME.*).
struct CollectorSettings {
  bool shm_attachers = false;        // --collector.shm.attachers
  bool posix_shm_processes = false;  // --collector.posix_shm.processes
  // With posix_shm_processes: who maps or holds the files of this /dev/shm, when found already
  // for several namespaces in one scan of the processes; null = the collector scans itself.
  std::shared_ptr<const FileHolders> posix_shm_holders;
  // Whether this collection lists every object for the landing page (CollectReport::objects):
  // set by the scraper while someone looks at the page, so that scrapes without a reader pay
  // nothing for it. Null: never.
  const std::atomic<bool>* list_objects = nullptr;
  bool ListingObjects() const { return list_objects != nullptr && list_objects->load(); }
  // The number of the collection under way (the scraper's count; null: unknown), so that the
  // namespaces of one collection can share one read of a kernel-wide table (the activity map).
  const std::atomic<uint64_t>* collection = nullptr;
  uint64_t Collection() const { return collection != nullptr ? collection->load() : 0; }
  int64_t msg_stall_threshold_seconds = 300;  // --collector.msg.stall-threshold (never received)
  std::string dev_shm = "/dev/shm";           // --path.devshm; "" = none of this namespace's
  // The mqueue mount: looked up on every scrape in this mountinfo file below the proc root, or,
  // where that is "" (another namespace, whose mount was found when the namespace was), this
  // directory ("" = none this namespace may list).
  std::string mqueue_mountinfo = "self/mountinfo";
  std::string mqueue_directory;
  // What the diagnosis remembers across scrapes (shared by every namespace's collectors), and
  // the IPC namespace these settings collect, which keys that memory (0: the exporter's own).
  // Null: nothing is remembered.
  std::shared_ptr<DiagnosisMemory> memory;
  uint64_t ipc_namespace = 0;
  // The paths above lead through another namespace's /proc/PID/root: they disappear when that
  // process exits, which is no error (the namespace is read through another process, or is gone).
  bool through_process_root = false;
  // That /proc/PID/root: the paths above are resolved inside it (see posix_directory.h).
  std::string process_root;

  // --collector.NAME.max-series: per-object series per collector. Totals and limits stay exact
  // whatever the cap; 0 publishes totals and limits only and reads nothing more than they need
  // (no semctl, msgctl, process table, file contents).
  static constexpr uint64_t kDefaultMaxSeries = 1000000;
  uint64_t shm_max_series = kDefaultMaxSeries;
  uint64_t sem_max_series = kDefaultMaxSeries;
  uint64_t msg_max_series = kDefaultMaxSeries;
  uint64_t posix_shm_max_series = kDefaultMaxSeries;
  uint64_t posix_sem_max_series = kDefaultMaxSeries;
  uint64_t posix_mqueue_max_series = kDefaultMaxSeries;
  uint64_t activity_max_series = kDefaultMaxSeries;

  // --collector.activity: what the kernel-side tracing counted (one source for every
  // namespace; each namespace's collector reads its own objects). Null: not enabled.
  std::shared_ptr<ActivitySource> activity;
};

/// What every collector reads through. The referenced objects outlive the collectors.
struct CollectorContext {
  const ProcFs& proc;
  IpcSyscalls& syscalls;
  AccountNames& names;
  CollectorSettings settings;
  std::function<int64_t()> now;  // Unix seconds; a fixed clock in tests
};

/// What is wrong with an object that needs an operator's attention.
enum class Problem { kOrphanedSegment, kStuckSemaphore, kStalledQueue };

/// An object that needs an operator's attention, as numbers and names: the landing page words
/// and formats it.
struct AttentionItem {
  Problem problem = Problem::kOrphanedSegment;
  uint32_t key = 0;
  int32_t id = 0;                     // shmid, semid or msqid
  std::optional<uint64_t> semaphore;  // semnum, for a stuck semaphore
  std::string owner;                  // user name
  uint64_t bytes = 0;                 // segment size, or bytes queued
  uint64_t messages = 0;              // messages queued
  int64_t value = 0;                  // semaphore value
  uint64_t waiters = 0;               // processes waiting on the semaphore
  int32_t pid = 0;                    // creator, last operator or last receiver
  std::string command;                // of that pid, when known
  int64_t idle_seconds = 0;           // since the object's last activity
  uint64_t ipc_namespace = 0;         // another namespace's inode with --ipc.namespaces=all
};

/// How much of one kernel limit is in use, for the landing page.
struct LimitUsage {
  std::string resource;  // "Shared memory segments (kernel.shmmni)"
  double used = 0;
  double limit = 0;
  bool in_bytes = false;       // shown as a size rather than a count
  uint64_t ipc_namespace = 0;  // another namespace's inode with --ipc.namespaces=all
};

/// What kind of IPC object a row of the page describes.
enum class ObjectKind {
  kShmSegment,
  kSemArray,
  kMsgQueue,
  kPosixShm,
  kPosixSemaphore,
  kPosixQueue
};

/// A process an object records (creator, last operator, last sender or receiver).
struct ProcessMention {
  int32_t pid = 0;      // 0: none recorded, or outside the exporter's pid namespace
  std::string command;  // while it runs, or as remembered after it exited; "" if unknown
  Liveness state = Liveness::kUnknown;
};

/// One semaphore of an array.
struct SemaphoreRow {
  uint32_t value = 0;
  uint32_t waiting = 0;  // semncnt + semzcnt
  ProcessMention last;   // sempid
};

/// Every IPC object, for the page's tables (what ipcs lists), as numbers and names: the page
/// formats them.
struct ObjectRow {
  ObjectKind kind = ObjectKind::kShmSegment;
  uint32_t key = 0;                        // System V
  int32_t id = 0;                          // System V shmid, semid, msqid
  std::string name;                        // POSIX "/NAME"
  std::string owner;                       // user name
  uint32_t mode = 0;                       // permission bits
  uint64_t bytes = 0;                      // size; for queues, bytes queued
  std::optional<uint64_t> capacity_bytes;  // queues
  uint64_t count = 0;    // attaches, semaphores in the array, queued messages, a POSIX value
  uint64_t waiting = 0;  // a POSIX semaphore's waiters
  std::vector<SemaphoreRow> semaphores;  // of an array, when they could be read
  ProcessMention creator;                // segments
  ProcessMention last;                   // last attach/detach or operation, last receiver
  ProcessMention sender;                 // queues: the last sender
  int64_t changed = 0;                   // latest recorded activity or change, Unix seconds
  std::optional<Problem> problem;
  uint64_t ipc_namespace = 0;  // another namespace's inode with --ipc.namespaces=all
  int32_t namespace_pid = 0;   // a process in that namespace (for nsenter), 0 if none
  std::string container;       // that namespace's container id, where its cgroup names one
};

/// What a collector found besides the samples it wrote.
struct CollectReport {
  std::vector<std::string> errors;
  uint64_t series_dropped = 0;  // per-object series left out by the cardinality cap
  // Objects whose recorded pids read 0 although the kernel recorded a process: it runs outside
  // the exporter's pid namespace, so nothing about those objects can be diagnosed.
  uint64_t invisible_pids = 0;
  std::vector<AttentionItem> attention;
  std::vector<LimitUsage> limits;
  std::vector<ObjectRow> objects;  // every object the collector listed, for the page
};

/// One kind of IPC object. A collector reads the kernel afresh on every call and keeps no state
/// between scrapes (but for what CollectorSettings::memory remembers), so one instance may serve
/// any number of scrapes, one at a time.
class Collector {
 public:
  virtual ~Collector() = default;

  /// Appends this collector's families to `out`.
  ///
  /// Problems that spoil part of the data (a malformed row, an unreadable limit, a failed
  /// syscall) are described in `report.errors`, and everything else is still written; objects
  /// needing attention and limit usage go to the report too. A problem that leaves nothing
  /// trustworthy to write (the table cannot be read at all) throws: the caller then throws away
  /// whatever this call wrote and reported, so no half-written collector reaches a scrape.
  virtual void Collect(ExpositionWriter& out, CollectReport& report) = 0;
};

}  // namespace ipc_exporter
