#include "scraper.h"

#include <chrono>
#include <exception>

#include "build_info.h"
#include "logging.h"
#include "process_metrics.h"

namespace ipc_exporter {
namespace {

/// Runs one collector into `body` and `findings`; returns its status. Never throws.
CollectorStatus RunCollector(const std::string& name, Collector& collector, std::string* body,
                             ScrapeFindings* findings) {
  CollectorStatus status;
  status.name = name;
  status.scraped = true;
  CollectReport report;
  std::vector<std::string>& errors = report.errors;
  const size_t rollback_size = body->size();
  auto start = std::chrono::steady_clock::now();
  try {
    ExpositionWriter writer(body);
    collector.Collect(writer, report);
    findings->attention.insert(findings->attention.end(), report.attention.begin(),
                               report.attention.end());
    findings->limits.insert(findings->limits.end(), report.limits.begin(), report.limits.end());
  } catch (const std::exception& error) {
    body->resize(rollback_size);  // a collector that failed half-way leaves nothing behind
    errors.insert(errors.begin(), error.what());
  }
  status.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  status.success = errors.empty();
  if (!status.success) {
    status.error = errors.front();
    std::string count = std::to_string(errors.size());
    Log(LogLevel::kError, "collector failed",
        {{"collector", name}, {"err", errors.front()}, {"problems", count}});
  }
  return status;
}

}  // namespace

Scraper::Scraper(std::vector<NamedCollector> collectors, bool process_metrics)
    : collectors_(std::move(collectors)), process_metrics_(process_metrics) {
  for (const NamedCollector& c : collectors_) {
    CollectorStatus status;
    status.name = c.name;
    statuses_.push_back(status);
  }
}

std::string Scraper::Scrape() {
  std::lock_guard<std::mutex> lock(scrape_mutex_);
  std::string body;
  body.reserve(64 * 1024);
  std::vector<CollectorStatus> statuses;
  ScrapeFindings findings;
  for (NamedCollector& c : collectors_) {
    statuses.push_back(RunCollector(c.name, *c.collector, &body, &findings));
  }

  ExpositionWriter out(&body);
  out.Family("ipc_exporter_collector_duration_seconds",
             "Time a collector took in the last scrape, in seconds.");
  for (const CollectorStatus& s : statuses) out.Sample({{"collector", s.name}}, s.duration_seconds);
  out.Family("ipc_exporter_collector_success",
             "1 if the collector's last scrape read everything without error, 0 otherwise.");
  for (const CollectorStatus& s : statuses) {
    out.Sample({{"collector", s.name}}, uint64_t{s.success ? 1u : 0u});
  }
  out.Family("ipc_exporter_build_info", "Version and git revision of ipc_exporter, value 1.");
  out.Sample({{"version", Version()}, {"revision", Revision()}}, uint64_t{1});
  if (process_metrics_) WriteProcessMetrics(out);

  std::lock_guard<std::mutex> status_lock(status_mutex_);
  statuses_ = std::move(statuses);
  findings_ = std::move(findings);
  return body;
}

std::vector<CollectorStatus> Scraper::Statuses() const {
  std::lock_guard<std::mutex> lock(status_mutex_);
  return statuses_;
}

ScrapeFindings Scraper::Findings() const {
  std::lock_guard<std::mutex> lock(status_mutex_);
  return findings_;
}

}  // namespace ipc_exporter
