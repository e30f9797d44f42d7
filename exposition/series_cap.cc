#include "exposition/series_cap.h"

#include <algorithm>

namespace ipc_exporter {

CapSelection SelectWithinCap(const std::vector<uint64_t>& series_per_object,
                             const std::vector<bool>& flagged, uint64_t max_series) {
  CapSelection selection;
  std::vector<bool> keep(series_per_object.size(), false);
  uint64_t used = 0;
  for (bool flagged_pass : {true, false}) {
    for (size_t i = 0; i < series_per_object.size(); ++i) {
      if (flagged[i] != flagged_pass) continue;
      if (series_per_object[i] <= max_series - used) {
        keep[i] = true;
        used += series_per_object[i];
      } else {
        selection.dropped_series += series_per_object[i];
      }
    }
  }
  for (size_t i = 0; i < keep.size(); ++i) {
    if (keep[i]) selection.kept.push_back(i);
  }
  return selection;
}

}  // namespace ipc_exporter
