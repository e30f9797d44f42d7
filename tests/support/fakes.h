#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "collectors/collector.h"
#include "procfs/account_names.h"
#include "procfs/ipc_syscalls.h"
#include "scrape/collector_set.h"

namespace ipc_exporter::testing {

/// Scripted answers for the syscall seam: what each semid / msqid reads as.
class FakeIpcSyscalls final : public IpcSyscalls {
 public:
  struct SemAnswer {
    SyscallResult result;
    std::vector<SemaphoreState> states;
  };
  struct QueueAnswer {
    SyscallResult result;
    uint64_t capacity_bytes = 0;
  };

  std::map<int32_t, SemAnswer> semaphores;  // an id with no entry reads as gone
  // Calls that read one object (semctl, msgctl, mq_getattr), shared by copies of this fake.
  std::shared_ptr<std::atomic<uint64_t>> object_reads = std::make_shared<std::atomic<uint64_t>>(0);
  std::map<int32_t, QueueAnswer> queues;
  uint64_t page_size = 4096;

  SyscallResult ReadSemaphores(int32_t semid, uint64_t listed_semaphores,
                               std::vector<SemaphoreState>* states) override {
    ++*object_reads;
    states->clear();
    auto it = semaphores.find(semid);
    if (it == semaphores.end()) return {SyscallOutcome::kGone, 0};
    if (it->second.result.outcome == SyscallOutcome::kOk) {
      if (it->second.states.size() != listed_semaphores) return {SyscallOutcome::kGone, 0};
      *states = it->second.states;
    }
    return it->second.result;
  }

  SyscallResult ReadQueueCapacity(int32_t msqid, uint64_t* capacity_bytes) override {
    ++*object_reads;
    auto it = queues.find(msqid);
    if (it == queues.end()) return {SyscallOutcome::kGone, 0};
    *capacity_bytes = it->second.capacity_bytes;
    return it->second.result;
  }

  uint64_t PageSize() const override { return page_size; }

  // Objects the activity collector asks about, by kind and id: those listed here are gone.
  std::set<std::pair<SysvObjectKind, int32_t>> gone_objects;
  SyscallResult StatSysvObject(SysvObjectKind kind, int32_t id) override {
    ++*object_reads;
    if (gone_objects.contains({kind, id})) return {SyscallOutcome::kGone, 0};
    return {};
  }

  SyscallResult ReadMqueueAttributes(const std::string&, MqueueAttributes*) override {
    ++*object_reads;
    return {SyscallOutcome::kGone, 0};  // fixtures have no POSIX queues
  }

  /// What joining each namespace path answers; a path with no entry joins fine. Joining only
  /// records the path: the fake's answers are the same in every namespace.
  std::map<std::string, SyscallResult> namespace_answers;
  std::vector<std::string> joined_namespaces;

  SyscallResult JoinIpcNamespace(const std::string& path) override {
    std::lock_guard<std::mutex> lock(*joined_mutex_);
    joined_namespaces.push_back(path);
    auto it = namespace_answers.find(path);
    return it == namespace_answers.end() ? SyscallResult{} : it->second;
  }

 private:
  std::shared_ptr<std::mutex> joined_mutex_ = std::make_shared<std::mutex>();  // copyable
};

/// Fixed account names, so fixture output does not depend on the machine's /etc/passwd.
class FakeAccountNames final : public AccountNames {
 public:
  std::map<uint32_t, std::string> users = {{0, "root"}, {33, "www-data"}, {1000, "alice"}};
  std::map<uint32_t, std::string> groups = {{0, "root"}, {33, "www-data"}, {1000, "staff"}};

  std::string UserName(uint32_t uid) override {
    auto it = users.find(uid);
    return it == users.end() ? std::to_string(uid) : it->second;
  }
  std::string GroupName(uint32_t gid) override {
    auto it = groups.find(gid);
    return it == groups.end() ? std::to_string(gid) : it->second;
  }
};

/// The syscall answers that go with the fixture tree `fixture` (normal, empty, old_kernel).
FakeIpcSyscalls FixtureSyscalls(const std::string& fixture);

/// The path of a fixture proc tree in the source tree.
std::string FixtureProc(const std::string& fixture);

/// "Now" for fixture runs: an hour after the fixture objects' change times.
inline constexpr int64_t kFixtureNow = 1795003600;

/// A collector context over fixture parts, with the fixed clock.
inline CollectorContext FixtureContext(const ProcFs& proc, IpcSyscalls& syscalls,
                                       AccountNames& names, CollectorSettings settings = {}) {
  settings.dev_shm = proc.root() + "/../dev/shm";  // the fixture's own /dev/shm
  return CollectorContext{proc, syscalls, names, settings, [] { return kFixtureNow; }};
}

/// A context for collectors that read nothing (scripted and gated collectors).
CollectorContext UnusedContext();

/// Ready-made collectors by name, for a scraper over scripted collectors.
using NamedCollectors = std::vector<std::pair<std::string, std::unique_ptr<Collector>>>;

/// A collector set whose factories hand out these collectors, each once (a scraper makes the
/// own namespace's collectors once).
CollectorSet SetOf(NamedCollectors collectors);

}  // namespace ipc_exporter::testing
