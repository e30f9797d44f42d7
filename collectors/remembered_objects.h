#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "collectors/collector.h"
#include "procfs/diagnosis_memory.h"

namespace ipc_exporter {

/// What one collector run knows of its objects beyond the kernel's tables: DiagnosisMemory's
/// record of each (CollectorSettings::memory, for the run's IPC namespace), or, without a memory,
/// only the kernel's own creation bound. Not thread-safe: one per collector run.
class RememberedObjects {
 public:
  /// `bounds`: each object's id and the latest moment it can have been created according to the
  /// kernel now, in the collector's order; `kind` as DiagnosisMemory::Objects takes it.
  RememberedObjects(const CollectorSettings& settings, char kind,
                    const std::vector<std::pair<int32_t, int64_t>>& bounds, int64_t now);

  /// The record of the object at `index` in `bounds`.
  const DiagnosisMemory::Object& at(size_t index) const { return objects_[index]; }

  /// Remembers a new pool parent for object `id` (nothing without a memory, or for nullopt).
  void RememberPoolParent(int32_t id,
                          const std::optional<DiagnosisMemory::ProcessIdentity>& parent) const;

 private:
  const CollectorSettings& settings_;
  char kind_;
  std::vector<DiagnosisMemory::Object> objects_;
};

}  // namespace ipc_exporter
