#include "base/task_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

namespace ipc_exporter {
namespace {

TEST(TaskPool, RunsEveryTaskOnceAndReturnsWhenAllAreDone) {
  TaskPool pool(2);
  std::vector<std::atomic<int>> runs(100);
  std::vector<std::function<void()>> tasks;
  for (size_t i = 0; i < runs.size(); ++i) tasks.push_back([&runs, i] { ++runs[i]; });
  pool.RunAll(std::move(tasks));
  for (const std::atomic<int>& r : runs) EXPECT_EQ(r.load(), 1);
}

TEST(TaskPool, NestedWaitsDoNotDeadlockEvenWithOneWorker) {
  TaskPool pool(1);
  std::atomic<int> leaves{0};
  std::vector<std::function<void()>> outer;
  for (int i = 0; i < 4; ++i) {
    outer.push_back([&] {
      std::vector<std::function<void()>> inner;
      for (int j = 0; j < 8; ++j) inner.push_back([&] { ++leaves; });
      pool.RunAll(std::move(inner));  // waits inside a task: the waiter runs what is left
    });
  }
  pool.RunAll(std::move(outer));
  EXPECT_EQ(leaves.load(), 32);
}

TEST(TaskPool, WithoutWorkersTheCallerRunsEverything) {
  TaskPool pool(0);
  const std::thread::id caller = std::this_thread::get_id();
  std::set<std::thread::id> threads;
  std::vector<std::function<void()>> tasks;
  for (int i = 0; i < 3; ++i) tasks.push_back([&] { threads.insert(std::this_thread::get_id()); });
  pool.RunAll(std::move(tasks));
  EXPECT_EQ(threads, std::set<std::thread::id>{caller});
}

TEST(ParallelSlices, CoversTheRangeExactlyOnce) {
  for (size_t count : {0u, 1u, 63u, 64u, 65u, 1000u}) {
    std::vector<std::atomic<int>> seen(count);
    ParallelSlices(count, 64, [&](size_t begin, size_t end) {
      EXPECT_LE(end - begin, 64u);
      for (size_t i = begin; i < end; ++i) ++seen[i];
    });
    for (const std::atomic<int>& s : seen) EXPECT_EQ(s.load(), 1) << count;
  }
}

}  // namespace
}  // namespace ipc_exporter
