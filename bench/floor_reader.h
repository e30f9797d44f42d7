#pragma once

#include <cstdint>

namespace ipc_bench {

/// What one pass of the floor reader saw.
struct FloorCounts {
  uint64_t segments = 0;
  uint64_t arrays = 0;
  uint64_t semaphores = 0;
  uint64_t queues = 0;
};

/// The least work that reads everything the exporter publishes from the kernel, writing nothing:
/// a *_STAT_ANY walk over every slot of the three tables (up to the highest index *_INFO
/// reports), and GETALL plus GETNCNT, GETZCNT and GETPID for every semaphore.
FloorCounts ReadEverything();

}  // namespace ipc_bench
