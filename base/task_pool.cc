#include "base/task_pool.h"

#include <algorithm>

namespace ipc_exporter {

/// One RunAll call: its tasks, which of them have been taken, and how many are finished.
struct TaskPool::Batch {
  std::vector<std::function<void()>> tasks;
  std::mutex mutex;
  std::condition_variable finished_all;
  size_t finished = 0;
};

TaskPool::TaskPool(size_t workers) {
  for (size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

TaskPool::~TaskPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

TaskPool& TaskPool::Shared() {
  static TaskPool pool(std::max(2u, std::thread::hardware_concurrency()) - 1);
  return pool;
}

void TaskPool::RunJob(const Job& job) {
  job.batch->tasks[job.index]();
  std::lock_guard<std::mutex> lock(job.batch->mutex);
  if (++job.batch->finished == job.batch->tasks.size()) job.batch->finished_all.notify_all();
}

void TaskPool::WorkerLoop() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left
      job = queue_.front();
      queue_.pop_front();
    }
    RunJob(job);
  }
}

void TaskPool::RunAll(std::vector<std::function<void()>> tasks) {
  if (tasks.empty()) return;
  auto batch = std::make_shared<Batch>();
  batch->tasks = std::move(tasks);
  const size_t count = batch->tasks.size();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // In front, in order: the newest batch is the innermost work, which someone waits on.
    for (size_t i = count; i-- > 0;) queue_.push_front(Job{batch, i});
  }
  work_ready_.notify_all();

  // Help: run this batch's jobs that no worker has taken yet, then wait for the others.
  for (;;) {
    Job job;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto mine = std::find_if(queue_.begin(), queue_.end(),
                               [&](const Job& queued) { return queued.batch == batch; });
      if (mine == queue_.end()) break;
      job = *mine;
      queue_.erase(mine);
    }
    RunJob(job);
  }
  std::unique_lock<std::mutex> lock(batch->mutex);
  batch->finished_all.wait(lock, [&] { return batch->finished == count; });
}

namespace {
thread_local bool slices_stay_on_this_thread = false;
}  // namespace

RunSlicesOnThisThread::RunSlicesOnThisThread() : previous_(slices_stay_on_this_thread) {
  slices_stay_on_this_thread = true;
}

RunSlicesOnThisThread::~RunSlicesOnThisThread() { slices_stay_on_this_thread = previous_; }

void ParallelSlices(size_t count, size_t slice, const std::function<void(size_t, size_t)>& body) {
  slice = std::max<size_t>(1, slice);
  if (count <= slice || slices_stay_on_this_thread) {
    body(0, count);
    return;
  }
  std::vector<std::function<void()>> tasks;
  for (size_t begin = 0; begin < count; begin += slice) {
    size_t end = std::min(count, begin + slice);
    tasks.push_back([&body, begin, end] { body(begin, end); });
  }
  TaskPool::Shared().RunAll(std::move(tasks));
}

}  // namespace ipc_exporter
