#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "collectors/collector.h"

namespace ipc_exporter {

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
