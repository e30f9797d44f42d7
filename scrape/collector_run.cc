#include "scrape/collector_run.h"

#include <chrono>
#include <exception>

namespace ipc_exporter {

CollectorRun RunCollector(const std::string& name, Collector& collector, std::string* buffer,
                          const std::string& ipc_namespace) {
  CollectorRun run;
  buffer->clear();
  run.text.swap(*buffer);
  run.status.name = name;
  run.status.scraped = true;
  auto start = std::chrono::steady_clock::now();
  try {
    ExpositionWriter writer(&run.text);
    writer.IndexFamiliesInto(&run.families);
    if (!ipc_namespace.empty()) writer.SetLeadingLabel("ipc_namespace", ipc_namespace);
    collector.Collect(writer, run.report);
  } catch (const std::exception& error) {
    // A collector that failed half-way leaves nothing behind: no samples, no findings.
    run.text.clear();
    run.families.clear();
    run.report.attention.clear();
    run.report.limits.clear();
    run.report.errors.insert(run.report.errors.begin(), error.what());
  }
  run.status.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.status.series_dropped = run.report.series_dropped;
  run.status.invisible_pids = run.report.invisible_pids;
  const std::vector<std::string>& errors = run.report.errors;
  run.status.success = errors.empty();
  if (!run.status.success) run.status.error = errors.front();
  return run;
}

}  // namespace ipc_exporter
