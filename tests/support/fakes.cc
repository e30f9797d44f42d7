#include "fakes.h"

namespace ipc_exporter::testing {

FakeIpcSyscalls FixtureSyscalls(const std::string& fixture) {
  FakeIpcSyscalls fake;
  if (fixture == "normal") {
    // semid 0: two semaphores, one with a waiter for increase, one with two waiting for zero.
    fake.semaphores[0] = {{}, {{5, 1, 0, 1234}, {0, 0, 2, 1240}}};
    fake.semaphores[32769] = {{}, {{1, 0, 0, 2001}, {65535, 0, 0, 2002}, {0, 0, 0, 0}}};
    fake.semaphores[65538] = {{SyscallOutcome::kDenied, 13}, {}};
    // semid 98307 is listed but has no answer: removed between listing and reading.
    fake.queues[0] = {{}, 16384};
    fake.queues[32769] = {{}, 65536};
    // msqid 65538 likewise vanishes.
    fake.queues[98307] = {{}, 16384};   // its receiver, pid 503, is gone
    fake.queues[131076] = {{}, 16384};  // never received from, last send an hour ago
  }
  if (fixture == "old_kernel") {
    fake.semaphores[0] = {{}, {{1, 0, 0, 100}}};
    fake.queues[0] = {{}, 16384};
  }
  return fake;
}

std::string FixtureProc(const std::string& fixture) {
  return std::string(IPC_TEST_SOURCE_DIR) + "/fixtures/" + fixture + "/proc";
}

CollectorContext UnusedContext() {
  static const ProcFs proc("/nonexistent");
  static FakeIpcSyscalls syscalls;
  static FakeAccountNames names;
  return CollectorContext{proc, syscalls, names, {}, [] { return kFixtureNow; }};
}

CollectorSet SetOf(NamedCollectors collectors) {
  CollectorSet set{{}, UnusedContext()};
  for (auto& [name, collector] : collectors) {
    auto held = std::make_shared<std::unique_ptr<Collector>>(std::move(collector));
    set.members.push_back({name, [held](const CollectorContext&) { return std::move(*held); }});
  }
  return set;
}

}  // namespace ipc_exporter::testing
