#pragma once

#include <string>
#include <vector>

#include "exposition/exposition_writer.h"
#include "procfs/ipc_namespaces.h"
#include "scrape/collector_run.h"
#include "scrape/collector_set.h"

namespace ipc_exporter {

/// How collecting the other IPC namespaces of the host went in one scrape
/// (--ipc.namespaces=all). Index for index with `census.namespaces`; entry 0 is the exporter's
/// own namespace, which the scraper collects itself on the task pool.
struct NamespacesScrape {
  IpcNamespaceCensus census;
  std::vector<SyscallResult> joined;            // setns into each namespace
  std::vector<std::vector<CollectorRun>> runs;  // [namespace][collector], empty if not joined
  uint64_t over_limit = 0;  // found but left out of `census` by --ipc.namespaces.max
};

/// Finds the host's IPC namespaces and collects every one but the exporter's own, each on a
/// thread of its own that joins it with setns (the rest of the process stays where it is), a
/// few at a time. A namespace that is gone by then is skipped; one that cannot be joined (no
/// CAP_SYS_ADMIN) is recorded as denied. At most `max_others` are collected (see
/// LimitIpcNamespaces). Throws ProcFsError if the proc root cannot be read.
NamespacesScrape CollectOtherNamespaces(const CollectorSet& collectors, size_t max_others);

/// The namespaces other than the exporter's own that a scrape did not collect, by reason.
struct SkippedNamespaces {
  uint64_t denied = 0;    // setns refused: no CAP_SYS_ADMIN
  uint64_t vanished = 0;  // gone before it was joined
  uint64_t failed = 0;    // any other error, or no thread to be had
  uint64_t limit = 0;     // beyond --ipc.namespaces.max
};
SkippedNamespaces CountSkippedNamespaces(const NamespacesScrape& scrape);

/// The ipc_namespace label value of a namespace.
inline std::string NamespaceLabel(uint64_t inode) { return std::to_string(inode); }

/// ipc_namespace_info, ipc_namespaces and the exporter's own account of namespaces it skipped.
void WriteNamespaceFamilies(ExpositionWriter& out, const NamespacesScrape& scrape);

}  // namespace ipc_exporter
