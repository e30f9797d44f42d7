#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "collectors/collector.h"

namespace ipc_exporter {

/// How a collector did on the last scrape, for the landing page and the self-metrics.
struct CollectorStatus {
  std::string name;
  bool scraped = false;  // false until the first scrape
  bool success = false;
  double duration_seconds = 0;
  uint64_t series_dropped = 0;  // by the collector's --collector.NAME.max-series
  uint64_t invisible_pids = 0;  // objects whose processes are outside our pid namespace
  std::string error;            // the first problem of the last scrape, empty on success
};

/// What the last scrape found besides samples: the landing page's attention list and limits.
struct ScrapeFindings {
  std::vector<AttentionItem> attention;
  std::vector<LimitUsage> limits;
  std::vector<ObjectRow> objects;
  bool objects_listed = false;  // whether this collection listed every object
};

}  // namespace ipc_exporter
