#include "exporter/html_text.h"

#include <cstdio>
#include <iterator>

namespace ipc_exporter {

// Sizes up to the kernel's "unlimited" shmall (about 64 ZiB), so in floating point.
std::string FormatBytes(double bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
    bytes /= 1024;
    ++unit;
  }
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), unit == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[unit]);
  return buffer;
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out.append("&amp;");
        break;
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '"':
        out.append("&quot;");
        break;
      case '\'':
        out.append("&#39;");
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string HumanDuration(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  const int64_t days = seconds / 86400, hours = seconds / 3600 % 24;
  const int64_t minutes = seconds / 60 % 60, secs = seconds % 60;
  if (days > 0) return std::to_string(days) + "d " + std::to_string(hours) + "h";
  if (hours > 0) return std::to_string(hours) + "h " + std::to_string(minutes) + "m";
  if (minutes > 0) return std::to_string(minutes) + "m " + std::to_string(secs) + "s";
  return std::to_string(secs) + "s";
}

std::string ProblemName(Problem problem, bool posix_shared_memory) {
  switch (problem) {
    case Problem::kOrphanedSegment:
      return posix_shared_memory ? "orphaned object" : "orphaned segment";
    case Problem::kStuckSemaphore:
      return "stuck semaphore";
    case Problem::kStalledQueue:
      return "stalled queue";
  }
  return "";
}

std::string FormatKey(uint32_t key) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "0x%08x", key);
  return buffer;
}

}  // namespace ipc_exporter
