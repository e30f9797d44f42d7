#include "collect.h"

#include <stdexcept>

#include "scrape/collector_table.h"

namespace ipc_exporter::testing {

Collected CollectWith(const std::string& collector, const std::string& proc_root,
                      FakeIpcSyscalls syscalls, CollectorSettings settings) {
  ProcFs proc(proc_root);
  FakeAccountNames names;
  CollectorContext context = FixtureContext(proc, syscalls, names, settings);
  for (const CollectorInfo& info : AllCollectors()) {
    if (info.name != collector) continue;
    Collected result;
    ExpositionWriter writer(&result.text);
    info.create(context)->Collect(writer, result.report);
    result.errors = result.report.errors;
    result.attention = result.report.attention;
    result.limits = result.report.limits;
    result.series_dropped = result.report.series_dropped;
    result.samples = ParseExposition(result.text);
    return result;
  }
  throw std::runtime_error("no collector " + collector);
}

Collected CollectFixture(const std::string& collector, const std::string& fixture,
                         CollectorSettings settings) {
  return CollectWith(collector, FixtureProc(fixture), FixtureSyscalls(fixture), settings);
}

}  // namespace ipc_exporter::testing
