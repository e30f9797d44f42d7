#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scrape/scrape_status.h"

namespace ipc_exporter {

/// Escapes text for HTML element content and attribute values.
std::string HtmlEscape(std::string_view text);

/// "3d 4h", "2h 5m", "5m 2s", "42s".
std::string HumanDuration(int64_t seconds);

/// The page served at "/": what this is, a link to the metrics, the objects that need
/// attention (orphaned segments, stuck semaphores, stalled queues), how full each kernel limit
/// is, and each collector's last status. Plain HTML with inline CSS: no scripts, no external
/// assets.
std::string RenderLandingPage(std::string_view telemetry_path,
                              const std::vector<CollectorStatus>& statuses,
                              const ScrapeFindings& findings);

}  // namespace ipc_exporter
