#include <algorithm>
#include <array>

#include "kernel_limits.h"
#include "object_families.h"
#include "sysv_collectors.h"
#include "sysv_parsers.h"

namespace ipc_exporter {
namespace {

constexpr uint32_t kShmDest = 01000;    // SHM_DEST: removed with IPC_RMID, waits for detaches
constexpr uint32_t kShmLocked = 02000;  // SHM_LOCKED: pinned in memory with SHM_LOCK

using Gauge = ObjectGauge<ShmSegment>;

std::optional<uint64_t> Unsigned(int64_t value) { return static_cast<uint64_t>(value); }

const std::array<Gauge, 11> kSegmentGauges = {{
    {"ipc_shm_segment_size_bytes",
     "Size of the shared memory segment in bytes (/proc/sysvipc/shm size).",
     [](const ShmSegment& s) -> std::optional<uint64_t> { return s.size_bytes; }},
    {"ipc_shm_segment_attached_processes",
     "Number of processes attaching the segment (/proc/sysvipc/shm nattch).",
     [](const ShmSegment& s) -> std::optional<uint64_t> { return s.attached; }},
    {"ipc_shm_segment_resident_bytes",
     "Bytes of the segment resident in memory (/proc/sysvipc/shm rss).",
     [](const ShmSegment& s) { return s.resident_bytes; }},
    {"ipc_shm_segment_swapped_bytes", "Bytes of the segment swapped out (/proc/sysvipc/shm swap).",
     [](const ShmSegment& s) { return s.swapped_bytes; }},
    {"ipc_shm_segment_creator_pid",
     "Process id of the segment's creator, 0 if not visible (/proc/sysvipc/shm cpid).",
     [](const ShmSegment& s) { return Unsigned(s.creator_pid); }},
    {"ipc_shm_segment_last_operation_pid",
     "Process id of the last shmat or shmdt, 0 if none (/proc/sysvipc/shm lpid).",
     [](const ShmSegment& s) { return Unsigned(s.last_operation_pid); }},
    {"ipc_shm_segment_attach_timestamp_seconds",
     "Unix time of the last attach, 0 if never (/proc/sysvipc/shm atime).",
     [](const ShmSegment& s) { return Unsigned(s.attach_time); }},
    {"ipc_shm_segment_detach_timestamp_seconds",
     "Unix time of the last detach, 0 if never (/proc/sysvipc/shm dtime).",
     [](const ShmSegment& s) { return Unsigned(s.detach_time); }},
    {"ipc_shm_segment_change_timestamp_seconds",
     "Unix time of the last change by shmctl or creation (/proc/sysvipc/shm ctime).",
     [](const ShmSegment& s) { return Unsigned(s.change_time); }},
    {"ipc_shm_segment_marked_for_destruction",
     "1 if the segment was removed and waits for its last detach (SHM_DEST, ipcs dest).",
     [](const ShmSegment& s) -> std::optional<uint64_t> {
       return (s.owner.perms & kShmDest) != 0 ? 1 : 0;
     }},
    {"ipc_shm_segment_locked", "1 if the segment is locked in memory (SHM_LOCKED).",
     [](const ShmSegment& s) -> std::optional<uint64_t> {
       return (s.owner.perms & kShmLocked) != 0 ? 1 : 0;
     }},
}};

// kernel.shmall counts pages; its default times the page size does not fit in 64 bits.
std::optional<double> TotalSizeLimitBytes(std::optional<uint64_t> pages, uint64_t page_size) {
  if (!pages) return std::nullopt;
  return static_cast<double>(*pages) * static_cast<double>(page_size);
}

class ShmCollector final : public Collector {
 public:
  explicit ShmCollector(const CollectorContext& context) : context_(context) {}

  void Collect(ExpositionWriter& out, std::vector<std::string>* errors) override {
    const ProcFs& proc = context_.proc;
    std::string text = proc.ReadFile("sysvipc/shm");
    ParsedTable<ShmSegment> table = ParseShmTable(text, proc.PathOf("sysvipc/shm"));
    errors->insert(errors->end(), table.errors.begin(), table.errors.end());
    std::vector<ShmSegment>& segments = table.records;
    std::sort(segments.begin(), segments.end(),
              [](const ShmSegment& a, const ShmSegment& b) { return a.shmid < b.shmid; });

    std::vector<ObjectIdentity> identities;
    identities.reserve(segments.size());
    for (const ShmSegment& s : segments) identities.push_back(IdentityOf(s.owner.key, s.shmid));

    WriteObjectGauges<ShmSegment>(out, "shmid", segments, identities, kSegmentGauges);
    WriteOwnershipInfo<ShmSegment>(
        out, "ipc_shm_segment_info",
        "Ownership and mode of the shared memory segment, value 1 (/proc/sysvipc/shm).", "shmid",
        segments, identities, context_.names,
        [](const ShmSegment& s) -> const IpcOwnership& { return s.owner; });

    WriteTotals(out, segments);
    WriteLimits(out, errors);
  }

 private:
  static void WriteTotals(ExpositionWriter& out, const std::vector<ShmSegment>& segments) {
    uint64_t size = 0;
    std::optional<uint64_t> resident;
    std::optional<uint64_t> swapped;
    for (const ShmSegment& s : segments) {
      size += s.size_bytes;
      if (s.resident_bytes) resident = resident.value_or(0) + *s.resident_bytes;
      if (s.swapped_bytes) swapped = swapped.value_or(0) + *s.swapped_bytes;
    }
    // With no segments the rss column's presence is unknown; 0 is then exact either way.
    if (segments.empty()) resident = swapped = 0;
    WriteSingleGauge(out, "ipc_shm_segments",
                     "Number of shared memory segments (/proc/sysvipc/shm, ipcs -u).",
                     std::optional<uint64_t>(segments.size()));
    WriteSingleGauge(out, "ipc_shm_size_bytes",
                     "Sum of the sizes of all shared memory segments in bytes (/proc/sysvipc/shm).",
                     std::optional<uint64_t>(size));
    WriteSingleGauge(out, "ipc_shm_resident_bytes",
                     "Bytes of shared memory segments resident in memory (/proc/sysvipc/shm rss).",
                     resident);
    WriteSingleGauge(out, "ipc_shm_swapped_bytes",
                     "Bytes of shared memory segments swapped out (/proc/sysvipc/shm swap).",
                     swapped);
  }

  void WriteLimits(ExpositionWriter& out, std::vector<std::string>* errors) {
    const ProcFs& proc = context_.proc;
    WriteSingleGauge(out, "ipc_shm_segments_limit",
                     "Maximum number of shared memory segments (kernel.shmmni).",
                     ReadLimitValue(proc, "sys/kernel/shmmni", errors));
    WriteSingleGauge(out, "ipc_shm_segment_size_limit_bytes",
                     "Maximum size of one shared memory segment in bytes (kernel.shmmax).",
                     ReadLimitValue(proc, "sys/kernel/shmmax", errors));
    WriteSingleGauge(
        out, "ipc_shm_size_limit_bytes",
        "Maximum total size of all shared memory segments in bytes (kernel.shmall times the page "
        "size).",
        TotalSizeLimitBytes(ReadLimitValue(proc, "sys/kernel/shmall", errors),
                            context_.syscalls.PageSize()));
    WriteSingleGauge(out, "ipc_shm_rmid_forced",
                     "1 if unattached segments are destroyed at once (kernel.shm_rmid_forced).",
                     ReadLimitValue(proc, "sys/kernel/shm_rmid_forced", errors));
  }

  CollectorContext context_;
};

}  // namespace

std::unique_ptr<Collector> CreateShmCollector(const CollectorContext& context) {
  return std::make_unique<ShmCollector>(context);
}

}  // namespace ipc_exporter
