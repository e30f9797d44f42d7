#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ipc_exporter {

/// Which objects get per-object series under a cardinality cap.
struct CapSelection {
  std::vector<size_t> kept;     // indexes into the objects, ascending (so output stays sorted)
  uint64_t dropped_series = 0;  // series of the objects left out
};

/// Keeps objects while their series fit in `max_series`: flagged objects (leaked, stuck,
/// stalled: what alerts need) first, then the rest in their order; an object that does not fit
/// is left out whole, and smaller ones after it may still fit. Pure.
CapSelection SelectWithinCap(const std::vector<uint64_t>& series_per_object,
                             const std::vector<bool>& flagged, uint64_t max_series);

/// Copies of the elements of `items` at `indexes` (ascending).
template <typename T>
std::vector<T> CopyIndexes(const std::vector<T>& items, const std::vector<size_t>& indexes) {
  std::vector<T> copies;
  copies.reserve(indexes.size());
  for (size_t i : indexes) copies.push_back(items[i]);
  return copies;
}

/// Selects which objects fit under `max_series` (see SelectWithinCap), sets `*dropped` and calls
/// `write(records, identities)` with the kept ones: the originals when nothing is dropped, so
/// the common case copies nothing.
template <typename Record, typename Identity, typename Write>
void WriteWithinCap(const std::vector<Record>& records, const std::vector<Identity>& identities,
                    const std::vector<uint64_t>& series_per_object,
                    const std::vector<bool>& flagged, uint64_t max_series, uint64_t* dropped,
                    Write write) {
  CapSelection selection = SelectWithinCap(series_per_object, flagged, max_series);
  *dropped = selection.dropped_series;
  if (selection.dropped_series == 0) {
    write(records, identities);
  } else {
    write(CopyIndexes(records, selection.kept), CopyIndexes(identities, selection.kept));
  }
}

}  // namespace ipc_exporter
