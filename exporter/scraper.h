#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "collector.h"

namespace ipc_exporter {

/// How a collector did on the last scrape, for the landing page.
struct CollectorStatus {
  std::string name;
  bool scraped = false;  // false until the first scrape
  bool success = false;
  double duration_seconds = 0;
  std::string error;  // the first problem of the last scrape, empty on success
};

/// What the last scrape found besides samples: the landing page's attention list and limits.
struct ScrapeFindings {
  std::vector<AttentionItem> attention;
  std::vector<LimitUsage> limits;
};

/// Runs the enabled collectors and assembles a whole /metrics body.
///
/// Each collector writes into its own buffer; one that throws has its buffer thrown away, is
/// reported with ipc_exporter_collector_success 0 and one log line, and the scrape goes on.
/// Thread-safe: scrapes are serialised, since they read the same kernel tables.
class Scraper {
 public:
  struct NamedCollector {
    std::string name;
    std::unique_ptr<Collector> collector;
  };

  /// `process_metrics` adds the process_* families (left out by --once, whose output feeds
  /// node_exporter's textfile collector, which has process_* families of its own).
  Scraper(std::vector<NamedCollector> collectors, bool process_metrics);

  /// Returns the complete exposition text.
  std::string Scrape();

  /// The outcome of each collector's last run, in scrape order.
  std::vector<CollectorStatus> Statuses() const;

  /// The objects needing attention and the limit usage of the last scrape.
  ScrapeFindings Findings() const;

 private:
  std::vector<NamedCollector> collectors_;
  bool process_metrics_;
  std::mutex scrape_mutex_;
  mutable std::mutex status_mutex_;
  std::vector<CollectorStatus> statuses_;
  ScrapeFindings findings_;
};

}  // namespace ipc_exporter
