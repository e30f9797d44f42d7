#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ipc_exporter {

/// A structured log field: key=value in logfmt, "key":"value" in JSON.
using LogField = std::pair<std::string_view, std::string_view>;

enum class LogLevel { kDebug, kInfo, kWarn, kError };

/// --log.format: logfmt (key=value) or one JSON object per line.
enum class LogFormat { kLogfmt, kJson };

/// Sends logs to standard error through spdlog, in logfmt or JSON, from `level` up.
/// `level` is one of debug, info, warn, error (validated by the flag parser).
void SetUpLogging(std::string_view level, LogFormat format);

/// Writes one line: a timestamp, the level, `message` and the fields, all escaped.
/// Thread-safe.
void Log(LogLevel level, std::string_view message, const std::vector<LogField>& fields = {});

/// Says when a warning that a flood would repeat may be logged again: at most once a minute.
/// Thread-safe.
class LogThrottle {
 public:
  /// True if nothing was logged through this throttle in the last 60 s (and notes now).
  bool Due();

 private:
  std::atomic<int64_t> logged_at_{0};  // seconds since the epoch
};

/// Formats a line without writing it (for tests).
std::string FormatLogLine(LogFormat format, std::string_view timestamp, LogLevel level,
                          std::string_view message, const std::vector<LogField>& fields);

}  // namespace ipc_exporter
