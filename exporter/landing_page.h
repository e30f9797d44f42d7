#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scraper.h"

namespace ipc_exporter {

/// Escapes text for HTML element content and attribute values.
std::string HtmlEscape(std::string_view text);

/// The page served at "/": what this is, a link to the metrics, and each collector's last status.
/// Plain HTML with inline CSS: no scripts, no external assets.
std::string RenderLandingPage(std::string_view telemetry_path,
                              const std::vector<CollectorStatus>& statuses);

}  // namespace ipc_exporter
