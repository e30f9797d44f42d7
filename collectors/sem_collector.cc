#include <algorithm>
#include <array>
#include <cstring>

#include "kernel_limits.h"
#include "object_families.h"
#include "sysv_collectors.h"
#include "sysv_parsers.h"

namespace ipc_exporter {
namespace {

/// A listed array with what semctl said of its semaphores.
struct ArrayReading {
  SemArray array;
  bool readable = false;
  std::vector<SemaphoreState> semaphores;  // empty unless readable
};

using Gauge = ObjectGauge<ArrayReading>;

std::optional<uint64_t> Unsigned(int64_t value) { return static_cast<uint64_t>(value); }

const std::array<Gauge, 4> kArrayGauges = {{
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
}};

/// A per-semaphore family: name, HELP and the field of SemaphoreState it shows.
struct SemaphoreGauge {
  std::string_view name;
  std::string_view help;
  uint64_t (*value)(const SemaphoreState& state);
};

const std::array<SemaphoreGauge, 4> kSemaphoreGauges = {{
    {"ipc_sem_value", "Value of the semaphore (semctl GETALL).",
     [](const SemaphoreState& s) -> uint64_t { return s.value; }},
    {"ipc_sem_ncount", "Processes waiting for the semaphore's value to increase (semctl GETNCNT).",
     [](const SemaphoreState& s) -> uint64_t { return s.ncount; }},
    {"ipc_sem_zcount",
     "Processes waiting for the semaphore's value to become zero (semctl GETZCNT).",
     [](const SemaphoreState& s) -> uint64_t { return s.zcount; }},
    {"ipc_sem_last_operation_pid",
     "Process id of the last operation on the semaphore, 0 if none or not visible (semctl GETPID).",
     [](const SemaphoreState& s) -> uint64_t { return static_cast<uint64_t>(s.last_pid); }},
}};

class SemCollector final : public Collector {
 public:
  explicit SemCollector(const CollectorContext& context) : context_(context) {}

  void Collect(ExpositionWriter& out, std::vector<std::string>* errors) override {
    const ProcFs& proc = context_.proc;
    std::string text = proc.ReadFile("sysvipc/sem");
    ParsedTable<SemArray> table = ParseSemTable(text, proc.PathOf("sysvipc/sem"));
    errors->insert(errors->end(), table.errors.begin(), table.errors.end());
    std::sort(table.records.begin(), table.records.end(),
              [](const SemArray& a, const SemArray& b) { return a.semid < b.semid; });

    std::vector<ArrayReading> readings = ReadArrays(table.records, errors);
    std::vector<ObjectIdentity> identities;
    identities.reserve(readings.size());
    for (const ArrayReading& r : readings) {
      identities.push_back(IdentityOf(r.array.owner.key, r.array.semid));
    }

    WriteObjectGauges<ArrayReading>(out, "semid", readings, identities, kArrayGauges);
    WriteOwnershipInfo<ArrayReading>(
        out, "ipc_sem_array_info",
        "Ownership and mode of the semaphore array, value 1 (/proc/sysvipc/sem).", "semid",
        readings, identities, context_.names,
        [](const ArrayReading& r) -> const IpcOwnership& { return r.array.owner; });
    WriteSemaphores(out, readings, identities);
    WriteTotalsAndLimits(out, readings, errors);
  }

 private:
  // Reads every array's semaphores. Arrays removed since the listing are dropped silently.
  std::vector<ArrayReading> ReadArrays(const std::vector<SemArray>& arrays,
                                       std::vector<std::string>* errors) {
    std::vector<ArrayReading> readings;
    readings.reserve(arrays.size());
    for (const SemArray& array : arrays) {
      ArrayReading reading{array, false, {}};
      SyscallResult result =
          context_.syscalls.ReadSemaphores(array.semid, array.semaphores, &reading.semaphores);
      switch (result.outcome) {
        case SyscallOutcome::kGone:
          continue;
        case SyscallOutcome::kOk:
          reading.readable = true;
          break;
        case SyscallOutcome::kDenied:
          break;
        case SyscallOutcome::kFailed:
          errors->push_back("semctl on semid " + std::to_string(array.semid) +
                            " failed: " + std::strerror(result.error));
          break;
      }
      readings.push_back(std::move(reading));
    }
    return readings;
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
          out.Sample(
              {{"key", identities[i].key}, {"semid", identities[i].id}, {"semnum", semnums[n]}},
              gauge.value(states[n]));
        }
      }
    }
  }

  void WriteTotalsAndLimits(ExpositionWriter& out, const std::vector<ArrayReading>& readings,
                            std::vector<std::string>* errors) {
    uint64_t semaphores = 0;
    for (const ArrayReading& r : readings) semaphores += r.array.semaphores;
    WriteSingleGauge(out, "ipc_sem_arrays",
                     "Number of semaphore arrays (/proc/sysvipc/sem, ipcs -u used arrays).",
                     std::optional<uint64_t>(readings.size()));
    WriteSingleGauge(out, "ipc_sem_semaphores",
                     "Number of semaphores in all arrays (/proc/sysvipc/sem nsems, ipcs -u "
                     "allocated semaphores).",
                     std::optional<uint64_t>(semaphores));

    std::optional<SemLimits> limits = ReadSemLimits(context_.proc, errors);
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
  }

  CollectorContext context_;
};

}  // namespace

std::unique_ptr<Collector> CreateSemCollector(const CollectorContext& context) {
  return std::make_unique<SemCollector>(context);
}

}  // namespace ipc_exporter
