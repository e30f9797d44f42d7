#pragma once

#include <cstddef>
#include <functional>

namespace ipc_exporter {

/// Runs `body(begin, end)` over [0, count) cut into `parts` contiguous slices, one thread per
/// slice but the first, which runs in the calling thread; returns when all are done. `body` must
/// only touch what belongs to its slice. Used where per-object syscalls dominate a scrape and a
/// second core halves it.
void ParallelSlices(size_t count, size_t parts, const std::function<void(size_t, size_t)>& body);

}  // namespace ipc_exporter
