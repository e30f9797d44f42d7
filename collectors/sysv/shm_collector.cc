#include <algorithm>
#include <array>

#include "collectors/object_families.h"
#include "collectors/remembered_objects.h"
#include "collectors/sysv/sysv_collectors.h"
#include "exposition/series_cap.h"
#include "procfs/kernel_limits.h"
#include "procfs/process_table.h"
#include "procfs/shm_attachers.h"
#include "procfs/sysv_parsers.h"

namespace ipc_exporter {
namespace {

constexpr uint32_t kShmDest = 01000;    // SHM_DEST: removed with IPC_RMID, waits for detaches
constexpr uint32_t kShmLocked = 02000;  // SHM_LOCKED: pinned in memory with SHM_LOCK

/// A listed segment and what the process table says of its creator and its application.
struct SegmentReading {
  ShmSegment segment;
  Liveness creator = Liveness::kUnknown;
  Liveness application = Liveness::kUnknown;
  std::string creator_command;  // while the creator runs, or as remembered after it exited
};

/// Nobody attaches it, it is not marked for destruction, its creator is gone and nobody of its
/// application is left: a leak, safe to remove.
bool Orphaned(const SegmentReading& r) {
  return r.segment.attached == 0 && (r.segment.owner.perms & kShmDest) == 0 &&
         r.creator == Liveness::kDead && r.application == Liveness::kDead;
}

/// The latest moment the segment can have been created: every recorded time comes after it.
/// (IPC_SET moves ctime later; DiagnosisMemory keeps what earlier scrapes saw.)
int64_t CreatedNoLaterThan(const ShmSegment& s) {
  int64_t bound = s.change_time;
  for (int64_t t : {s.attach_time, s.detach_time}) {
    if (t > 0 && (bound == 0 || t < bound)) bound = t;
  }
  return bound;
}

/// Whether a process of the segment's application runs: one attaching it, its creator, the last
/// process that attached or detached it, or what ProcessTable::Application finds for those.
/// Remembers a new pool parent for it when its application runs.
Liveness ApplicationOf(const ShmSegment& s, Liveness creator, size_t index,
                       const RememberedObjects& remembered, ProcessTable& processes) {
  const DiagnosisMemory::Object& record = remembered.at(index);
  const PidEvent last{s.last_operation_pid, std::max(s.attach_time, s.detach_time)};
  const Liveness last_operator = processes.Check(last.pid, last.time);
  std::vector<int32_t> users_now;
  if (creator == Liveness::kAlive) users_now.push_back(s.creator_pid);
  if (last_operator == Liveness::kAlive) users_now.push_back(last.pid);
  const bool in_use = s.attached > 0 || !users_now.empty();
  if (!in_use && creator == Liveness::kUnknown) return Liveness::kUnknown;
  const PidEvent gone[] = {{s.creator_pid, record.created_no_later_than}, last};
  const uint32_t users[] = {s.owner.uid, s.owner.cuid};
  Liveness application =
      in_use ? Liveness::kAlive : processes.Application(gone, users, record.pool_parent);
  if (application == Liveness::kAlive) {
    remembered.RememberPoolParent(
        s.shmid, processes.PoolParentToRemember(users_now, s.owner.uid, record.pool_parent));
  }
  return application;
}

using Gauge = ObjectGauge<SegmentReading>;

std::optional<uint64_t> Flag(bool value) { return value ? 1 : 0; }

const std::array<Gauge, 14> kSegmentGauges = {{
    {"ipc_shm_segment_size_bytes",
     "Size of the shared memory segment in bytes (/proc/sysvipc/shm size).",
     [](const SegmentReading& r) -> std::optional<uint64_t> { return r.segment.size_bytes; }},
    {"ipc_shm_segment_attached_processes",
     "Number of processes attaching the segment (/proc/sysvipc/shm nattch).",
     [](const SegmentReading& r) -> std::optional<uint64_t> { return r.segment.attached; }},
    {"ipc_shm_segment_resident_bytes",
     "Bytes of the segment resident in memory (/proc/sysvipc/shm rss).",
     [](const SegmentReading& r) { return r.segment.resident_bytes; }},
    {"ipc_shm_segment_swapped_bytes", "Bytes of the segment swapped out (/proc/sysvipc/shm swap).",
     [](const SegmentReading& r) { return r.segment.swapped_bytes; }},
    {"ipc_shm_segment_creator_pid",
     "Process id of the segment's creator, 0 if not visible (/proc/sysvipc/shm cpid).",
     [](const SegmentReading& r) { return Unsigned(r.segment.creator_pid); }},
    {"ipc_shm_segment_last_operation_pid",
     "Process id of the last shmat or shmdt, 0 if none (/proc/sysvipc/shm lpid).",
     [](const SegmentReading& r) { return Unsigned(r.segment.last_operation_pid); }},
    {"ipc_shm_segment_attach_timestamp_seconds",
     "Unix time of the last attach, 0 if never (/proc/sysvipc/shm atime).",
     [](const SegmentReading& r) { return Unsigned(r.segment.attach_time); }},
    {"ipc_shm_segment_detach_timestamp_seconds",
     "Unix time of the last detach, 0 if never (/proc/sysvipc/shm dtime).",
     [](const SegmentReading& r) { return Unsigned(r.segment.detach_time); }},
    {"ipc_shm_segment_change_timestamp_seconds",
     "Unix time of the last change by shmctl or creation (/proc/sysvipc/shm ctime).",
     [](const SegmentReading& r) { return Unsigned(r.segment.change_time); }},
    {"ipc_shm_segment_marked_for_destruction",
     "1 if the segment was removed and waits for its last detach (SHM_DEST, ipcs dest).",
     [](const SegmentReading& r) { return Flag((r.segment.owner.perms & kShmDest) != 0); }},
    {"ipc_shm_segment_locked", "1 if the segment is locked in memory (SHM_LOCKED).",
     [](const SegmentReading& r) { return Flag((r.segment.owner.perms & kShmLocked) != 0); }},
    {"ipc_shm_segment_creator_alive",
     "1 if the process that created the segment still runs, 0 if it exited or its pid was "
     "reused; absent when unknown (cpid 0 or not visible) (/proc/sysvipc/shm cpid, "
     "/proc/PID/stat).",
     [](const SegmentReading& r) -> std::optional<uint64_t> {
       if (r.creator == Liveness::kUnknown) return std::nullopt;
       return Flag(r.creator == Liveness::kAlive);
     }},
    {"ipc_shm_segment_application_alive",
     "1 if a process of the segment's application runs (an attacher, its creator, its last "
     "attacher or detacher, or any process of its owner or creator user, root excepted), 0 if "
     "none does; absent when unknown.",
     [](const SegmentReading& r) -> std::optional<uint64_t> {
       if (r.application == Liveness::kUnknown) return std::nullopt;
       return Flag(r.application == Liveness::kAlive);
     }},
    {"ipc_shm_segment_orphaned",
     "1 if no process attaches the segment, it is not marked for destruction, its creator is "
     "gone and nobody of its application is left: a leaked segment, safe to remove.",
     [](const SegmentReading& r) { return Flag(Orphaned(r)); }},
}};

// kernel.shmall counts pages; its default times the page size does not fit in 64 bits.
std::optional<double> TotalSizeLimitBytes(std::optional<uint64_t> pages, uint64_t page_size) {
  if (!pages) return std::nullopt;
  return static_cast<double>(*pages) * static_cast<double>(page_size);
}

class ShmCollector final : public Collector {
 public:
  explicit ShmCollector(const CollectorContext& context) : context_(context) {}

  void Collect(ExpositionWriter& out, CollectReport& report) override {
    const ProcFs& proc = context_.proc;
    std::vector<ShmSegment> segments =
        ReadSortedTable<ShmSegment>(proc, "shm", ParseShmTable, &ShmSegment::shmid, report.errors);

    if (context_.settings.shm_max_series == 0) {  // totals and limits only: the table suffices
      WriteTotalsAndLimits(out, ListedOnly(segments, &SegmentReading::segment), report);
      return;
    }
    ProcessTable processes(proc, context_.settings.memory.get());
    std::vector<std::pair<int32_t, int64_t>> bounds;
    bounds.reserve(segments.size());
    for (const ShmSegment& s : segments) bounds.emplace_back(s.shmid, CreatedNoLaterThan(s));
    const RememberedObjects remembered(context_.settings, 'm', bounds, context_.now());
    std::vector<SegmentReading> readings;
    std::vector<ObjectIdentity> identities;
    readings.reserve(segments.size());
    for (size_t i = 0; i < segments.size(); ++i) {
      const ShmSegment& s = segments[i];
      SegmentReading r;
      r.segment = s;
      const int64_t created = remembered.at(i).created_no_later_than;
      r.creator = processes.Check(s.creator_pid, created);
      r.application = ApplicationOf(s, r.creator, i, remembered, processes);
      r.creator_command = processes.CommandOf(s.creator_pid, created).value_or("");
      // Every segment has a creator: cpid 0 means it runs outside our pid namespace.
      if (s.creator_pid == 0) ++report.invisible_pids;
      identities.push_back(IdentityOf(s.owner.key, s.shmid));
      readings.push_back(std::move(r));
    }

    std::vector<ShmAttacher> attachers;
    if (context_.settings.shm_attachers) attachers = ScanShmAttachers(proc, processes);
    WriteObjects(out, readings, identities, attachers, report);
    ReportOrphans(readings, report);
    if (context_.settings.ListingObjects()) ListObjects(readings, report);
    WriteTotalsAndLimits(out, readings, report);
  }

 private:
  // The per-segment families, for the segments that fit under --collector.shm.max-series
  // (leaked ones first).
  void WriteObjects(ExpositionWriter& out, const std::vector<SegmentReading>& readings,
                    const std::vector<ObjectIdentity>& identities,
                    const std::vector<ShmAttacher>& attachers, CollectReport& report) {
    std::vector<uint64_t> series(readings.size());
    std::vector<bool> flagged(readings.size());
    for (size_t i = 0; i < readings.size(); ++i) {
      series[i] = SeriesOf<SegmentReading>(readings[i], kSegmentGauges);
      flagged[i] = Orphaned(readings[i]);
      for (const ShmAttacher& a : attachers) series[i] += a.shmid == readings[i].segment.shmid;
    }
    WriteWithinCap(readings, identities, series, flagged, context_.settings.shm_max_series,
                   &report.series_dropped,
                   [&](const std::vector<SegmentReading>& kept,
                       const std::vector<ObjectIdentity>& kept_identities) {
                     WriteKept(
                         out, kept, kept_identities,
                         kept.size() == readings.size() ? attachers : AttachersOf(kept, attachers));
                   });
  }

  /// The attachers of the kept segments (ascending by shmid, as the readings are).
  static std::vector<ShmAttacher> AttachersOf(const std::vector<SegmentReading>& kept,
                                              const std::vector<ShmAttacher>& attachers) {
    std::vector<int32_t> kept_ids;
    for (const SegmentReading& r : kept) kept_ids.push_back(r.segment.shmid);
    std::vector<ShmAttacher> kept_attachers;
    for (const ShmAttacher& a : attachers) {
      if (std::binary_search(kept_ids.begin(), kept_ids.end(), a.shmid)) {
        kept_attachers.push_back(a);
      }
    }
    return kept_attachers;
  }

  void WriteKept(ExpositionWriter& out, const std::vector<SegmentReading>& readings,
                 const std::vector<ObjectIdentity>& identities,
                 const std::vector<ShmAttacher>& attachers) {
    WriteObjectGauges<SegmentReading>(out, "shmid", readings, identities, kSegmentGauges);
    WriteOwnershipInfo<SegmentReading>(
        out, "ipc_shm_segment_info",
        "Ownership and mode of the shared memory segment, and its creator's command while it "
        "runs or as remembered from an earlier scrape, value 1 (/proc/sysvipc/shm, "
        "/proc/PID/stat).",
        "shmid", readings, identities, context_.names,
        [](const SegmentReading& r) -> const IpcOwnership& { return r.segment.owner; },
        [](const SegmentReading& r) -> std::string_view { return r.creator_command; });
    if (context_.settings.shm_attachers) WriteAttachers(out, attachers);
  }

  static void WriteAttachers(ExpositionWriter& out, const std::vector<ShmAttacher>& attachers) {
    out.Family("ipc_shm_segment_attacher_info",
               "A process attaching the segment, value 1 (/proc/PID/maps /SYSV mappings).");
    for (const ShmAttacher& a : attachers) {
      std::string shmid = std::to_string(a.shmid);
      std::string pid = std::to_string(a.pid);
      out.Sample({{"shmid", shmid}, {"pid", pid}, {"command", a.command}}, uint64_t{1});
    }
  }

  void ListObjects(const std::vector<SegmentReading>& readings, CollectReport& report) {
    report.objects.reserve(report.objects.size() + readings.size());
    for (const SegmentReading& r : readings) {
      const ShmSegment& s = r.segment;
      ObjectRow row = SysvObjectRow(ObjectKind::kShmSegment, s.owner, s.shmid, context_.names);
      row.bytes = s.size_bytes;
      row.count = s.attached;
      row.creator = {s.creator_pid, r.creator_command, r.creator};
      row.last.pid = s.last_operation_pid;
      row.changed = std::max({s.attach_time, s.detach_time, s.change_time});
      if (Orphaned(r)) row.problem = Problem::kOrphanedSegment;
      report.objects.push_back(std::move(row));
    }
  }

  void ReportOrphans(const std::vector<SegmentReading>& readings, CollectReport& report) {
    const int64_t now = context_.now();
    for (size_t i = 0; i < readings.size(); ++i) {
      const ShmSegment& s = readings[i].segment;
      if (!Orphaned(readings[i])) continue;
      AttentionItem item;
      item.problem = Problem::kOrphanedSegment;
      item.key = s.owner.key;
      item.id = s.shmid;
      item.owner = context_.names.UserName(s.owner.uid);
      item.bytes = s.size_bytes;
      item.pid = s.creator_pid;
      item.command = readings[i].creator_command;
      item.idle_seconds = IdleSeconds(now, std::max({s.attach_time, s.detach_time, s.change_time}));
      report.attention.push_back(std::move(item));
    }
  }

  void WriteTotalsAndLimits(ExpositionWriter& out, const std::vector<SegmentReading>& readings,
                            CollectReport& report) {
    uint64_t size = 0;
    uint64_t pages = 0;  // as the kernel counts against shmall: whole pages per segment
    const uint64_t page_size = context_.syscalls.PageSize();
    std::optional<uint64_t> resident;
    std::optional<uint64_t> swapped;
    for (const SegmentReading& r : readings) {
      size += r.segment.size_bytes;
      pages += r.segment.size_bytes / page_size + (r.segment.size_bytes % page_size != 0);
      if (r.segment.resident_bytes) resident = resident.value_or(0) + *r.segment.resident_bytes;
      if (r.segment.swapped_bytes) swapped = swapped.value_or(0) + *r.segment.swapped_bytes;
    }
    // With no segments the rss column's presence is unknown; 0 is then exact either way.
    if (readings.empty()) resident = swapped = 0;
    WriteSingleGauge(out, "ipc_shm_segments",
                     "Number of shared memory segments (/proc/sysvipc/shm, ipcs -u).",
                     std::optional<uint64_t>(readings.size()));
    WriteSingleGauge(out, "ipc_shm_size_bytes",
                     "Sum of the sizes of all shared memory segments in bytes (/proc/sysvipc/shm).",
                     std::optional<uint64_t>(size));
    WriteSingleGauge(out, "ipc_shm_allocated_bytes",
                     "Shared memory the kernel counts against kernel.shmall: every segment "
                     "rounded up to whole pages, times the page size (ipcs -u pages allocated).",
                     std::optional<uint64_t>(pages * page_size));
    WriteSingleGauge(out, "ipc_shm_resident_bytes",
                     "Bytes of shared memory segments resident in memory (/proc/sysvipc/shm rss).",
                     resident);
    WriteSingleGauge(out, "ipc_shm_swapped_bytes",
                     "Bytes of shared memory segments swapped out (/proc/sysvipc/shm swap).",
                     swapped);

    const ProcFs& proc = context_.proc;
    std::optional<uint64_t> shmmni = ReadLimitValue(proc, "sys/kernel/shmmni", &report.errors);
    std::optional<double> total_limit =
        TotalSizeLimitBytes(ReadLimitValue(proc, "sys/kernel/shmall", &report.errors), page_size);
    WriteSingleGauge(out, "ipc_shm_segments_limit",
                     "Maximum number of shared memory segments (kernel.shmmni).", shmmni);
    WriteSingleGauge(out, "ipc_shm_segment_size_limit_bytes",
                     "Maximum size of one shared memory segment in bytes (kernel.shmmax).",
                     ReadLimitValue(proc, "sys/kernel/shmmax", &report.errors));
    WriteSingleGauge(
        out, "ipc_shm_size_limit_bytes",
        "Maximum total size of all shared memory segments in bytes (kernel.shmall times the page "
        "size).",
        total_limit);
    // Linux has no per-process segment limit of its own (SHMSEG is SHMMNI) and a fixed SHMMIN
    // of one byte; published because ipcs -l and lsipc show them and people alert on them.
    WriteSingleGauge(out, "ipc_shm_segments_per_process_limit",
                     "Maximum number of segments one process may attach (SHMSEG, which Linux "
                     "sets to kernel.shmmni).",
                     shmmni);
    WriteSingleGauge(out, "ipc_shm_segment_min_size_bytes",
                     "Minimum size of a shared memory segment in bytes (SHMMIN, fixed at 1 in "
                     "Linux).",
                     std::optional<uint64_t>(1));
    WriteSingleGauge(out, "ipc_shm_rmid_forced",
                     "1 if unattached segments are destroyed at once (kernel.shm_rmid_forced).",
                     ReadLimitValue(proc, "sys/kernel/shm_rmid_forced", &report.errors));
    if (shmmni) {
      report.limits.push_back({"Shared memory segments (kernel.shmmni)",
                               static_cast<double>(readings.size()), static_cast<double>(*shmmni)});
    }
    if (total_limit) {
      report.limits.push_back({"Shared memory pages (kernel.shmall)",
                               static_cast<double>(pages * page_size), *total_limit, true});
    }
  }

  CollectorContext context_;
};

}  // namespace

std::unique_ptr<Collector> CreateShmCollector(const CollectorContext& context) {
  return std::make_unique<ShmCollector>(context);
}

}  // namespace ipc_exporter
