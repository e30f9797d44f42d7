#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "options.h"

namespace ipc_exporter {

/// A structured log field: key=value in logfmt, "key":"value" in JSON.
using LogField = std::pair<std::string_view, std::string_view>;

enum class LogLevel { kDebug, kInfo, kWarn, kError };

/// Sends logs to standard error through spdlog, in logfmt or JSON, from `level` up.
/// `level` is one of debug, info, warn, error (validated by the flag parser).
void SetUpLogging(std::string_view level, LogFormat format);

/// Writes one line: a timestamp, the level, `message` and the fields, all escaped.
/// Thread-safe.
void Log(LogLevel level, std::string_view message, const std::vector<LogField>& fields = {});

/// Formats a line without writing it (for tests).
std::string FormatLogLine(LogFormat format, std::string_view timestamp, LogLevel level,
                          std::string_view message, const std::vector<LogField>& fields);

}  // namespace ipc_exporter
