#include <algorithm>
#include <array>
#include <cstring>
#include <map>

#include "base/task_pool.h"
#include "collectors/object_families.h"
#include "collectors/remembered_objects.h"
#include "collectors/sysv/sysv_collectors.h"
#include "exposition/series_cap.h"
#include "procfs/kernel_limits.h"
#include "procfs/process_table.h"
#include "procfs/sysv_parsers.h"

namespace ipc_exporter {
namespace {

/// A listed array with what semctl said of its semaphores and the process table of their last
/// operators.
struct ArrayReading {
  SemArray array;
  bool readable = false;
  std::vector<SemaphoreState> semaphores;        // empty unless readable
  std::vector<Liveness> last_operators;          // parallel to semaphores
  std::map<size_t, std::string> stuck_commands;  // semnum -> its gone operator's, as remembered
  Liveness application = Liveness::kUnknown;
};

/// The remembered command of semaphore `n`'s gone last operator, if the semaphore is stuck.
std::string CommandOfStuck(const ArrayReading& r, size_t n) {
  auto found = r.stuck_commands.find(n);
  return found == r.stuck_commands.end() ? std::string() : found->second;
}

bool Waiting(const SemaphoreState& s) { return s.ncount > 0 || s.zcount > 0; }

bool Stuck(const SemaphoreState& s, Liveness last_operator) {
  return Waiting(s) && last_operator == Liveness::kDead;
}

/// Some semaphore was operated on, every last operator is known to be gone, nobody waits (a
/// waiter is a live user of the array) and nobody of its application is left. Unknown when the
/// values could not be read.
std::optional<uint64_t> ArrayOrphaned(const ArrayReading& r) {
  if (!r.readable) return std::nullopt;
  bool operated = false;
  for (size_t i = 0; i < r.semaphores.size(); ++i) {
    if (Waiting(r.semaphores[i])) return 0;
    if (r.semaphores[i].last_pid == 0) continue;
    operated = true;
    if (r.last_operators[i] != Liveness::kDead) return 0;
  }
  return operated && r.application == Liveness::kDead ? 1 : 0;
}

/// Whether a process of the array's application runs: a waiter, a last operator, or what
/// ProcessTable::Application finds for the gone operators, the array's users and its remembered
/// pool parent. (The kernel records no creator for arrays.) Remembers a new pool parent for it
/// when its application runs.
Liveness ApplicationOf(const ArrayReading& r, int64_t last_event, size_t index,
                       const RememberedObjects& remembered, ProcessTable& processes) {
  if (!r.readable) return Liveness::kUnknown;
  const DiagnosisMemory::Object& record = remembered.at(index);
  bool waiting = false;
  std::vector<int32_t> users_now;
  std::vector<PidEvent> gone;
  for (size_t i = 0; i < r.semaphores.size(); ++i) {
    waiting = waiting || Waiting(r.semaphores[i]);
    if (r.last_operators[i] == Liveness::kAlive) users_now.push_back(r.semaphores[i].last_pid);
    if (r.last_operators[i] == Liveness::kDead) {
      gone.push_back({r.semaphores[i].last_pid, last_event});
    }
  }
  const bool in_use = waiting || !users_now.empty();
  const uint32_t users[] = {r.array.owner.uid, r.array.owner.cuid};
  Liveness application =
      in_use ? Liveness::kAlive : processes.Application(gone, users, record.pool_parent);
  if (application == Liveness::kAlive) {
    remembered.RememberPoolParent(
        r.array.semid,
        processes.PoolParentToRemember(users_now, r.array.owner.uid, record.pool_parent));
  }
  return application;
}

using Gauge = ObjectGauge<ArrayReading>;

// Arrays per slice of semctl work handed to the task pool: small enough that an idle core can
// join in late and still take a fair share, large enough that handing out costs nothing.
constexpr size_t kArraysPerSlice = 64;

// SEMVMX in include/uapi/linux/sem.h: not a sysctl, the same on every Linux.
constexpr uint64_t kSemaphoreValueLimit = 32767;

const std::array<Gauge, 6> kArrayGauges = {{
    {"ipc_sem_array_semaphores", "Number of semaphores in the array (/proc/sysvipc/sem nsems).",
     [](const ArrayReading& r) -> std::optional<uint64_t> { return r.array.semaphores; }},
    {"ipc_sem_array_operation_timestamp_seconds",
     "Unix time of the last semop on the array, 0 if never (/proc/sysvipc/sem otime).",
     [](const ArrayReading& r) { return Unsigned(r.array.operation_time); }},
    {"ipc_sem_array_change_timestamp_seconds",
     "Unix time of the last change by semctl or creation (/proc/sysvipc/sem ctime).",
     [](const ArrayReading& r) { return Unsigned(r.array.change_time); }},
    {"ipc_sem_array_values_readable",
     "1 if semctl could read the array's semaphores, 0 if refused (no read permission or "
     "CAP_IPC_OWNER) and its per-semaphore series are left out.",
     [](const ArrayReading& r) -> std::optional<uint64_t> { return r.readable ? 1 : 0; }},
    {"ipc_sem_array_application_alive",
     "1 if a process of the array's application runs (a waiter, a last operator, or any process "
     "of its owner or creator user, root excepted), 0 if none does; absent when unknown.",
     [](const ArrayReading& r) -> std::optional<uint64_t> {
       if (r.application == Liveness::kUnknown) return std::nullopt;
       return r.application == Liveness::kAlive ? 1 : 0;
     }},
    {"ipc_sem_array_orphaned",
     "1 if some semaphore of the array was operated on, every process that last operated on "
     "one is gone, nobody waits and nobody of its application is left: safe to remove; absent "
     "when the values are unreadable.",
     ArrayOrphaned},
}};

/// A per-semaphore family: name, HELP and its value for one semaphore (nullopt: left out).
struct SemaphoreGauge {
  std::string_view name;
  std::string_view help;
  std::optional<uint64_t> (*value)(const SemaphoreState& state, Liveness last_operator);
};

const std::array<SemaphoreGauge, 6> kSemaphoreGauges = {{
    {"ipc_sem_value", "Value of the semaphore (semctl GETALL).",
     [](const SemaphoreState& s, Liveness) -> std::optional<uint64_t> { return s.value; }},
    {"ipc_sem_ncount", "Processes waiting for the semaphore's value to increase (semctl GETNCNT).",
     [](const SemaphoreState& s, Liveness) -> std::optional<uint64_t> { return s.ncount; }},
    {"ipc_sem_zcount",
     "Processes waiting for the semaphore's value to become zero (semctl GETZCNT).",
     [](const SemaphoreState& s, Liveness) -> std::optional<uint64_t> { return s.zcount; }},
    {"ipc_sem_last_operation_pid",
     "Process id of the last operation on the semaphore, 0 if none or not visible (semctl GETPID).",
     [](const SemaphoreState& s, Liveness) -> std::optional<uint64_t> {
       return static_cast<uint64_t>(s.last_pid);
     }},
    {"ipc_sem_last_operator_alive",
     "1 if the process that last operated on the semaphore still runs, 0 if it exited or its pid "
     "was reused; absent when unknown (semctl GETPID, /proc/PID/stat).",
     [](const SemaphoreState&, Liveness l) -> std::optional<uint64_t> {
       if (l == Liveness::kUnknown) return std::nullopt;
       return l == Liveness::kAlive ? 1 : 0;
     }},
    {"ipc_sem_stuck",
     "1 if processes wait on the semaphore and its last operator is gone: a lock whose holder "
     "crashed.",
     [](const SemaphoreState& s, Liveness l) -> std::optional<uint64_t> {
       return Stuck(s, l) ? 1 : 0;
     }},
}};

class SemCollector final : public Collector {
 public:
  explicit SemCollector(const CollectorContext& context) : context_(context) {}

  void Collect(ExpositionWriter& out, CollectReport& report) override {
    const ProcFs& proc = context_.proc;
    std::vector<SemArray> arrays =
        ReadSortedTable<SemArray>(proc, "sem", ParseSemTable, &SemArray::semid, report.errors);

    if (context_.settings.sem_max_series == 0) {  // totals and limits only: no semctl
      WriteTotalsAndLimits(out, ListedOnly(arrays, &ArrayReading::array), report);
      return;
    }
    std::vector<ArrayReading> readings = ReadArrays(arrays, report);
    std::vector<ObjectIdentity> identities;
    identities.reserve(readings.size());
    for (const ArrayReading& r : readings) {
      identities.push_back(IdentityOf(r.array.owner.key, r.array.semid));
    }

    ReportStuck(readings, report);
    if (context_.settings.ListingObjects()) ListObjects(readings, report);
    WriteObjects(out, readings, identities, report);
    WriteTotalsAndLimits(out, readings, report);
  }

 private:
  // The per-array and per-semaphore families, for the arrays that fit under
  // --collector.sem.max-series (arrays with a stuck semaphore or orphaned ones first).
  void WriteObjects(ExpositionWriter& out, const std::vector<ArrayReading>& readings,
                    const std::vector<ObjectIdentity>& identities, CollectReport& report) {
    std::vector<uint64_t> series(readings.size());
    std::vector<bool> flagged(readings.size());
    for (size_t i = 0; i < readings.size(); ++i) {
      const ArrayReading& r = readings[i];
      series[i] = SeriesOf<ArrayReading>(r, kArrayGauges);
      flagged[i] = ArrayOrphaned(r) == std::optional<uint64_t>(1);
      for (size_t n = 0; n < r.semaphores.size(); ++n) {
        flagged[i] = flagged[i] || Stuck(r.semaphores[n], r.last_operators[n]);
        for (const SemaphoreGauge& gauge : kSemaphoreGauges) {
          series[i] += gauge.value(r.semaphores[n], r.last_operators[n]).has_value();
        }
      }
    }
    WriteWithinCap(readings, identities, series, flagged, context_.settings.sem_max_series,
                   &report.series_dropped,
                   [&](const std::vector<ArrayReading>& kept,
                       const std::vector<ObjectIdentity>& ids) { WriteKept(out, kept, ids); });
  }

  void WriteKept(ExpositionWriter& out, const std::vector<ArrayReading>& readings,
                 const std::vector<ObjectIdentity>& identities) {
    WriteObjectGauges<ArrayReading>(out, "semid", readings, identities, kArrayGauges);
    WriteOwnershipInfo<ArrayReading>(
        out, "ipc_sem_array_info",
        "Ownership and mode of the semaphore array, value 1 (/proc/sysvipc/sem).", "semid",
        readings, identities, context_.names,
        [](const ArrayReading& r) -> const IpcOwnership& { return r.array.owner; });
    WriteSemaphores(out, readings, identities);
  }

  // Reads every array's semaphores and judges their last operators. Arrays removed since the
  // listing are dropped silently.
  std::vector<ArrayReading> ReadArrays(const std::vector<SemArray>& arrays, CollectReport& report) {
    // The semctl calls (two per array, three per semaphore) are most of a large scrape: they go
    // to the task pool in slices, for whichever cores are free.
    std::vector<ArrayReading> readings(arrays.size());
    std::vector<SyscallResult> results(arrays.size());
    ParallelSlices(arrays.size(), kArraysPerSlice, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        readings[i].array = arrays[i];
        results[i] = context_.syscalls.ReadSemaphores(arrays[i].semid, arrays[i].semaphores,
                                                      &readings[i].semaphores);
      }
    });

    ProcessTable processes(context_.proc, context_.settings.memory.get());
    std::vector<std::pair<int32_t, int64_t>> bounds;
    bounds.reserve(arrays.size());
    for (const SemArray& a : arrays) bounds.emplace_back(a.semid, a.change_time);
    const RememberedObjects remembered(context_.settings, 's', bounds, context_.now());
    std::vector<ArrayReading> kept;
    kept.reserve(readings.size());
    for (size_t i = 0; i < readings.size(); ++i) {
      ArrayReading& reading = readings[i];
      if (results[i].outcome == SyscallOutcome::kGone) continue;
      if (results[i].outcome == SyscallOutcome::kFailed) {
        report.errors.push_back("semctl on semid " + std::to_string(reading.array.semid) +
                                " failed: " + std::strerror(results[i].error));
      }
      reading.readable = results[i].outcome == SyscallOutcome::kOk;
      // A semaphore's last operation (semop, or SETVAL/SETALL which stamp ctime) is no later
      // than the array's latest otime or ctime.
      int64_t last_event = std::max(reading.array.operation_time, reading.array.change_time);
      bool visible = false;
      for (const SemaphoreState& s : reading.semaphores) {
        reading.last_operators.push_back(processes.Check(s.last_pid, last_event));
        // Only where the page names it: the gone operator of a stuck semaphore, as remembered.
        if (Stuck(s, reading.last_operators.back())) {
          reading.stuck_commands[reading.last_operators.size() - 1] =
              processes.CommandOf(s.last_pid, last_event).value_or("");
        }
        visible = visible || s.last_pid != 0;
      }
      reading.application = ApplicationOf(reading, last_event, i, remembered, processes);
      // Operated on, yet no pid recorded: the operators run outside our pid namespace.
      if (reading.readable && reading.array.operation_time > 0 && !visible) ++report.invisible_pids;
      kept.push_back(std::move(reading));
    }
    return kept;
  }

  static void WriteSemaphores(ExpositionWriter& out, const std::vector<ArrayReading>& readings,
                              const std::vector<ObjectIdentity>& identities) {
    std::vector<std::string> semnums;  // "0", "1", ... formatted once for all families
    for (const SemaphoreGauge& gauge : kSemaphoreGauges) {
      out.Family(gauge.name, gauge.help);
      for (size_t i = 0; i < readings.size(); ++i) {
        const std::vector<SemaphoreState>& states = readings[i].semaphores;
        while (semnums.size() < states.size()) semnums.push_back(std::to_string(semnums.size()));
        for (size_t n = 0; n < states.size(); ++n) {
          std::optional<uint64_t> value = gauge.value(states[n], readings[i].last_operators[n]);
          if (!value) continue;
          out.Sample(
              {{"key", identities[i].key}, {"semid", identities[i].id}, {"semnum", semnums[n]}},
              *value);
        }
      }
    }
  }

  void ListObjects(const std::vector<ArrayReading>& readings, CollectReport& report) {
    report.objects.reserve(report.objects.size() + readings.size());
    for (const ArrayReading& r : readings) {
      ObjectRow row =
          SysvObjectRow(ObjectKind::kSemArray, r.array.owner, r.array.semid, context_.names);
      row.count = r.array.semaphores;
      row.changed = std::max(r.array.operation_time, r.array.change_time);
      for (size_t n = 0; n < r.semaphores.size(); ++n) {
        const SemaphoreState& s = r.semaphores[n];
        row.semaphores.push_back({s.value,
                                  s.ncount + s.zcount,
                                  {s.last_pid, CommandOfStuck(r, n), r.last_operators[n]}});
        if (Stuck(s, r.last_operators[n])) row.problem = Problem::kStuckSemaphore;
      }
      report.objects.push_back(std::move(row));
    }
  }

  void ReportStuck(const std::vector<ArrayReading>& readings, CollectReport& report) {
    const int64_t now = context_.now();
    for (size_t i = 0; i < readings.size(); ++i) {
      const ArrayReading& r = readings[i];
      for (size_t n = 0; n < r.semaphores.size(); ++n) {
        const SemaphoreState& s = r.semaphores[n];
        if (!Stuck(s, r.last_operators[n])) continue;
        AttentionItem item;
        item.problem = Problem::kStuckSemaphore;
        item.key = r.array.owner.key;
        item.id = r.array.semid;
        item.semaphore = n;
        item.owner = context_.names.UserName(r.array.owner.uid);
        item.value = s.value;
        item.waiters = s.ncount + s.zcount;
        item.pid = s.last_pid;
        item.command = CommandOfStuck(r, n);
        item.idle_seconds = IdleSeconds(now, std::max(r.array.operation_time, r.array.change_time));
        report.attention.push_back(std::move(item));
      }
    }
  }

  void WriteTotalsAndLimits(ExpositionWriter& out, const std::vector<ArrayReading>& readings,
                            CollectReport& report) {
    uint64_t semaphores = 0;
    for (const ArrayReading& r : readings) semaphores += r.array.semaphores;
    WriteSingleGauge(out, "ipc_sem_arrays",
                     "Number of semaphore arrays (/proc/sysvipc/sem, ipcs -u used arrays).",
                     std::optional<uint64_t>(readings.size()));
    WriteSingleGauge(out, "ipc_sem_semaphores",
                     "Number of semaphores in all arrays (/proc/sysvipc/sem nsems, ipcs -u "
                     "allocated semaphores).",
                     std::optional<uint64_t>(semaphores));

    std::optional<SemLimits> limits = ReadSemLimits(context_.proc, &report.errors);
    auto field = [&](uint64_t SemLimits::*member) -> std::optional<uint64_t> {
      if (!limits) return std::nullopt;
      return (*limits).*member;
    };
    WriteSingleGauge(out, "ipc_sem_arrays_limit",
                     "Maximum number of semaphore arrays (kernel.sem semmni).",
                     field(&SemLimits::semmni));
    WriteSingleGauge(out, "ipc_sem_semaphores_limit",
                     "Maximum number of semaphores system wide (kernel.sem semmns).",
                     field(&SemLimits::semmns));
    WriteSingleGauge(out, "ipc_sem_array_semaphores_limit",
                     "Maximum number of semaphores in one array (kernel.sem semmsl).",
                     field(&SemLimits::semmsl));
    WriteSingleGauge(out, "ipc_sem_operations_per_call_limit",
                     "Maximum number of operations in one semop call (kernel.sem semopm).",
                     field(&SemLimits::semopm));
    WriteSingleGauge(out, "ipc_sem_value_limit",
                     "Maximum value of a semaphore (SEMVMX, fixed at 32767 in Linux): semop and "
                     "SETVAL beyond it fail with ERANGE.",
                     std::optional<uint64_t>(kSemaphoreValueLimit));
    if (limits) {
      report.limits.push_back({"Semaphore arrays (kernel.sem semmni)",
                               static_cast<double>(readings.size()),
                               static_cast<double>(limits->semmni)});
      report.limits.push_back({"Semaphores (kernel.sem semmns)", static_cast<double>(semaphores),
                               static_cast<double>(limits->semmns)});
    }
  }

  CollectorContext context_;
};

}  // namespace

std::unique_ptr<Collector> CreateSemCollector(const CollectorContext& context) {
  return std::make_unique<SemCollector>(context);
}

}  // namespace ipc_exporter
