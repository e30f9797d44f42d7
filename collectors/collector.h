#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "account_names.h"
#include "exposition_writer.h"
#include "ipc_syscalls.h"
#include "proc_fs.h"

namespace ipc_exporter {

/// What every collector reads through. The referenced objects outlive the collectors.
struct CollectorContext {
  const ProcFs& proc;
  IpcSyscalls& syscalls;
  AccountNames& names;
};

/// One kind of IPC object. A collector reads the kernel afresh on every call and keeps no state
/// between scrapes, so one instance may serve any number of scrapes, one at a time.
class Collector {
 public:
  virtual ~Collector() = default;

  /// Appends this collector's families to `out`.
  ///
  /// Problems that spoil part of the data (a malformed row, an unreadable limit, a failed
  /// syscall) are described in `errors`, and everything else is still written. A problem that
  /// leaves nothing trustworthy to write (the table cannot be read at all) throws: the caller
  /// then throws away whatever this call wrote, so no half-written collector reaches a scrape.
  virtual void Collect(ExpositionWriter& out, std::vector<std::string>* errors) = 0;
};

/// One row of the collector table: the exporter's flags and landing page are built from it.
struct CollectorInfo {
  std::string_view name;  // as in --collector.NAME and the `collector` label
  bool enabled_by_default;
  std::string_view help;  // one line for --help
  std::unique_ptr<Collector> (*create)(const CollectorContext& context);
};

/// Every collector, in the order their families appear in a scrape.
const std::vector<CollectorInfo>& AllCollectors();

}  // namespace ipc_exporter
