#include "scrape/namespace_scrape.h"

#include <algorithm>
#include <thread>

#include "base/task_pool.h"
#include "scrape/namespace_settings.h"

namespace ipc_exporter {
namespace {

/// Runs on a thread of its own, which it moves into `space`: nothing else may run on it after.
void CollectNamespace(const CollectorSet& collectors, const IpcNamespace& space,
                      const CollectorSettings& settings, SyscallResult* joined,
                      std::vector<CollectorRun>* runs) {
  const CollectorContext& base = collectors.context;
  *joined = base.syscalls.JoinIpcNamespace(space.path);
  if (joined->outcome != SyscallOutcome::kOk) return;
  RunSlicesOnThisThread slices_here;  // the pool's threads are in the exporter's namespace
  CollectorContext context{base.proc, base.syscalls, base.names, settings, base.now};
  const std::string label = NamespaceLabel(space.inode);
  for (const CollectorSet::Member& member : collectors.members) {
    std::string buffer;
    std::unique_ptr<Collector> collector = member.create(context);
    runs->push_back(RunCollector(member.name, *collector, &buffer, label));
  }
}

}  // namespace

NamespacesScrape CollectOtherNamespaces(const CollectorSet& collectors, size_t max_others) {
  NamespacesScrape scrape;
  scrape.census = ScanIpcNamespaces(collectors.context.proc);
  scrape.over_limit = LimitIpcNamespaces(&scrape.census, max_others);
  const std::vector<IpcNamespace>& spaces = scrape.census.namespaces;
  const std::vector<CollectorSettings> settings =
      SettingsPerNamespace(collectors.context.proc, scrape.census, collectors.context.settings);
  scrape.joined.resize(spaces.size());
  scrape.runs.resize(spaces.size());
  // A few threads at a time: each namespace's collection is mostly syscalls, and a host may
  // have hundreds of containers.
  const size_t at_once = std::max(2u, std::thread::hardware_concurrency());
  for (size_t first = 1; first < spaces.size(); first += at_once) {
    std::vector<std::thread> threads;
    for (size_t i = first; i < std::min(spaces.size(), first + at_once); ++i) {
      try {
        threads.emplace_back(CollectNamespace, std::cref(collectors), std::cref(spaces[i]),
                             std::cref(settings[i]), &scrape.joined[i], &scrape.runs[i]);
      } catch (const std::system_error& error) {  // no thread to be had
        scrape.joined[i] = {SyscallOutcome::kFailed, error.code().value()};
      }
    }
    for (std::thread& thread : threads) thread.join();
  }
  return scrape;
}

SkippedNamespaces CountSkippedNamespaces(const NamespacesScrape& scrape) {
  SkippedNamespaces skipped;
  skipped.limit = scrape.over_limit;
  for (size_t i = 1; i < scrape.joined.size(); ++i) {
    switch (scrape.joined[i].outcome) {
      case SyscallOutcome::kOk:
        break;
      case SyscallOutcome::kGone:
        ++skipped.vanished;
        break;
      case SyscallOutcome::kDenied:
        ++skipped.denied;
        break;
      case SyscallOutcome::kFailed:
        ++skipped.failed;
        break;
    }
  }
  return skipped;
}

void WriteNamespaceFamilies(ExpositionWriter& out, const NamespacesScrape& scrape) {
  const std::vector<IpcNamespace>& spaces = scrape.census.namespaces;
  auto listed = [&](size_t i) {  // the own namespace, and every other that did not vanish
    return i == 0 || scrape.joined[i].outcome != SyscallOutcome::kGone;
  };
  out.Family("ipc_namespace_info",
             "An IPC namespace of the host and one process in it (the lowest pid; empty if only "
             "a bind mount keeps it), with its container id where its cgroup path names one, "
             "value 1 (/proc/PID/ns/ipc).");
  uint64_t count = 0;
  for (size_t i = 0; i < spaces.size(); ++i) {
    if (!listed(i)) continue;
    ++count;
    const IpcNamespace& space = spaces[i];
    const std::string label = NamespaceLabel(space.inode);
    const std::string pid = space.pid == 0 ? "" : std::to_string(space.pid);
    out.Sample({{"ipc_namespace", label},
                {"pid", pid},
                {"command", space.command},
                {"container_id", space.container_id}},
               uint64_t{1});
  }
  out.Family("ipc_namespaces", "Number of IPC namespaces on the host (/proc/PID/ns/ipc).");
  out.Sample({}, count + scrape.over_limit);

  const SkippedNamespaces skipped = CountSkippedNamespaces(scrape);
  out.Family("ipc_exporter_ipc_namespaces_skipped",
             "IPC namespaces the last scrape did not collect: denied (setns needs CAP_SYS_ADMIN), "
             "vanished (gone before they were joined), failed, or beyond --ipc.namespaces.max "
             "(limit).");
  out.Sample({{"reason", "denied"}}, skipped.denied);
  out.Sample({{"reason", "vanished"}}, skipped.vanished);
  out.Sample({{"reason", "failed"}}, skipped.failed);
  out.Sample({{"reason", "limit"}}, skipped.limit);
  out.Family("ipc_exporter_ipc_namespace_processes_unreadable",
             "Processes whose IPC namespace the last scrape could not see: reading "
             "/proc/PID/ns/ipc of another user's process needs CAP_SYS_PTRACE.");
  out.Sample({}, scrape.census.unreadable_processes);
}

}  // namespace ipc_exporter
