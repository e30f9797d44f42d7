#pragma once

#include <string>
#include <vector>

#include "bpf/activity_log.h"

namespace ipc_exporter {

/// The landing page's table of recent lifecycle events (--collector.activity), newest first, at
/// most `shown` of them: "segment 123, key 0x0000abcd, removed at 10:02:11 by ipcrm (pid 4711,
/// uid 0)", with the parent, the cgroup (a container's or a service's) and the namespace.
std::string RenderActivityEvents(const std::vector<ActivityEvent>& events, size_t shown);

}  // namespace ipc_exporter
