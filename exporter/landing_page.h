#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bpf/activity_log.h"
#include "exporter/html_text.h"
#include "scrape/scrape_status.h"

namespace ipc_exporter {

/// The page served at "/": what this is, a link to the metrics, the objects that need
/// attention (orphaned segments, stuck semaphores, stalled queues), how full each kernel limit
/// is, every object in sortable and filterable tables (object_tables.h), and each collector's
/// last status. HTML with inline CSS and one small inline script: no external assets.
/// With --collector.activity, `events` are the lifecycle events kept (oldest first), shown
/// newest first; null leaves that section out.
std::string RenderLandingPage(std::string_view telemetry_path,
                              const std::vector<CollectorStatus>& statuses,
                              const ScrapeFindings& findings,
                              const std::vector<ActivityEvent>* events = nullptr);

}  // namespace ipc_exporter
