#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "collectors/collector.h"

namespace ipc_exporter {

/// Escapes text for HTML element content and attribute values.
std::string HtmlEscape(std::string_view text);

/// "3d 4h", "2h 5m", "5m 2s", "42s".
std::string HumanDuration(int64_t seconds);

/// "100 B", "1.5 KiB", "16.0 MiB": binary units, one decimal past bytes.
std::string FormatBytes(double bytes);

/// What a problem is called on the page: "orphaned segment" ("orphaned object" for POSIX
/// shared memory), "stuck semaphore", "stalled queue".
std::string ProblemName(Problem problem, bool posix_shared_memory = false);

/// A System V key as ipcs prints it: "0x%08x".
std::string FormatKey(uint32_t key);

}  // namespace ipc_exporter
