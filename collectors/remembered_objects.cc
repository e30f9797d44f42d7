#include "collectors/remembered_objects.h"

namespace ipc_exporter {

RememberedObjects::RememberedObjects(const CollectorSettings& settings, char kind,
                                     const std::vector<std::pair<int32_t, int64_t>>& bounds,
                                     int64_t now)
    : settings_(settings), kind_(kind) {
  if (settings_.memory) {
    objects_ = settings_.memory->Objects(settings_.ipc_namespace, kind_, bounds, now);
    return;
  }
  objects_.resize(bounds.size());
  for (size_t i = 0; i < bounds.size(); ++i) objects_[i].created_no_later_than = bounds[i].second;
}

void RememberedObjects::RememberPoolParent(
    int32_t id, const std::optional<DiagnosisMemory::ProcessIdentity>& parent) const {
  if (parent && settings_.memory) {
    settings_.memory->RememberPoolParent(settings_.ipc_namespace, kind_, id, *parent);
  }
}

}  // namespace ipc_exporter
