#include "parallel_slices.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace ipc_exporter {

void ParallelSlices(size_t count, size_t parts, const std::function<void(size_t, size_t)>& body) {
  parts = std::max<size_t>(1, std::min(parts, count));
  if (parts <= 1) {
    body(0, count);
    return;
  }
  const size_t slice = (count + parts - 1) / parts;
  std::vector<std::thread> threads;
  for (size_t begin = slice; begin < count; begin += slice) {
    threads.emplace_back(body, begin, std::min(count, begin + slice));
  }
  body(0, std::min(count, slice));
  for (std::thread& thread : threads) thread.join();
}

}  // namespace ipc_exporter
