#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "collectors/collector.h"
#include "exposition.h"
#include "fakes.h"

namespace ipc_exporter::testing {

/// What one collector wrote and reported in one run.
struct Collected {
  std::string text;
  std::vector<ParsedSample> samples;
  CollectReport report;
  // The report's parts, for brevity in assertions.
  std::vector<std::string> errors;
  std::vector<AttentionItem> attention;
  std::vector<LimitUsage> limits;
  uint64_t series_dropped = 0;
};

/// Runs collector `collector` (its name in the collector table) once over the /proc tree at
/// `proc_root`, with `syscalls` answering, at the fixtures' clock. Throws what the collector
/// throws.
Collected CollectWith(const std::string& collector, const std::string& proc_root,
                      FakeIpcSyscalls syscalls, CollectorSettings settings = {});

/// The same over fixture tree `fixture`, with the syscall answers that go with it.
Collected CollectFixture(const std::string& collector, const std::string& fixture,
                         CollectorSettings settings = {});

}  // namespace ipc_exporter::testing
