#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "collectors/collector.h"
#include "exposition/exposition_writer.h"

namespace ipc_exporter::testing {

/// Counts its runs and blocks each one until released, so that a test controls the timing.
class GateCollector final : public Collector {
 public:
  void Collect(ExpositionWriter& out, CollectReport&) override {
    std::unique_lock<std::mutex> lock(mutex_);
    ++runs_;
    started_.notify_all();
    released_.wait(lock, [&] { return open_; });
    out.Family("gate", "Gate.");
    out.Sample({}, uint64_t{1});
  }
  bool WaitStarted(int runs) {
    std::unique_lock<std::mutex> lock(mutex_);
    return started_.wait_for(lock, std::chrono::seconds(10), [&] { return runs_ >= runs; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    released_.notify_all();
  }
  int runs() {
    std::lock_guard<std::mutex> lock(mutex_);
    return runs_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable started_, released_;
  int runs_ = 0;
  bool open_ = false;
};

}  // namespace ipc_exporter::testing
