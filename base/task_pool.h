#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ipc_exporter {

/// A fixed set of worker threads shared by the whole scrape: the collectors run as tasks on it,
/// and a collector cuts its own syscall-heavy loops into slices that idle workers pick up.
///
/// Whoever waits for tasks runs them too (see RunAll), so a task may submit and wait for tasks
/// of its own without deadlock, and the caller's thread is never idle while work is queued.
/// Thread-safe.
class TaskPool {
 public:
  /// `workers` threads besides the callers; 0 runs everything in the caller.
  explicit TaskPool(size_t workers);
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  /// Runs every task and returns when all are done. Tasks are started in order; the caller
  /// takes them from the front as the workers do. Tasks must not throw.
  void RunAll(std::vector<std::function<void()>> tasks);

  /// The pool for this process: one worker fewer than the machine has cores (the thread that
  /// waits is the last one), and at least one.
  static TaskPool& Shared();

 private:
  struct Batch;
  struct Job {
    std::shared_ptr<Batch> batch;
    size_t index;
  };

  void WorkerLoop();
  static void RunJob(const Job& job);

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::deque<Job> queue_;  // newest batches at the front: inner work finishes outer work
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

/// While one exists, ParallelSlices on this thread runs every slice itself. For a thread that has
/// joined another IPC namespace: the pool's workers are still in the exporter's own, and a slice
/// they ran would read the wrong namespace's objects. Not to be moved between threads.
class RunSlicesOnThisThread {
 public:
  RunSlicesOnThisThread();
  ~RunSlicesOnThisThread();
  RunSlicesOnThisThread(const RunSlicesOnThisThread&) = delete;
  RunSlicesOnThisThread& operator=(const RunSlicesOnThisThread&) = delete;

 private:
  bool previous_;
};

/// Runs `body(begin, end)` over [0, count) cut into slices of at most `slice` items on the
/// shared pool; returns when all are done. `body` must only touch what belongs to its slice.
void ParallelSlices(size_t count, size_t slice, const std::function<void(size_t, size_t)>& body);

}  // namespace ipc_exporter
