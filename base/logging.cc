#include "base/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace ipc_exporter {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kLogfmt};

// spdlog creates its registry on first use; create it at start-up, before any thread can race
// to do it (libspdlog is not built for ThreadSanitizer, which then cannot see its guard).
[[maybe_unused]] spdlog::logger* const kDefaultLoggerAtStartup = spdlog::default_logger_raw();

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "error";
}

spdlog::level::level_enum SpdlogLevel(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::err;
}

// logfmt quotes a value that is empty or holds spaces, quotes, '=' or control characters.
void AppendLogfmtValue(std::string* out, std::string_view value) {
  bool needs_quotes = value.empty();
  for (char c : value) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\') needs_quotes = true;
  }
  if (!needs_quotes) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (c == '\n') {
      out->append("\\n");
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendJsonString(std::string* out, std::string_view value) {
  out->push_back('"');
  for (char c : value) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned char>(c));
          out->append(escaped);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis.count()));
  return buffer;
}

}  // namespace

std::string FormatLogLine(LogFormat format, std::string_view timestamp, LogLevel level,
                          std::string_view message, const std::vector<LogField>& fields) {
  std::string line;
  if (format == LogFormat::kJson) {
    line.append("{\"ts\":");
    AppendJsonString(&line, timestamp);
    line.append(",\"level\":");
    AppendJsonString(&line, LevelName(level));
    line.append(",\"msg\":");
    AppendJsonString(&line, message);
    for (const LogField& field : fields) {
      line.push_back(',');
      AppendJsonString(&line, field.first);
      line.push_back(':');
      AppendJsonString(&line, field.second);
    }
    line.push_back('}');
    return line;
  }
  line.append("ts=").append(timestamp).append(" level=").append(LevelName(level)).append(" msg=");
  AppendLogfmtValue(&line, message);
  for (const LogField& field : fields) {
    line.push_back(' ');
    line.append(field.first).push_back('=');
    AppendLogfmtValue(&line, field.second);
  }
  return line;
}

void SetUpLogging(std::string_view level, LogFormat format) {
  g_format = format;
  auto logger = spdlog::stderr_logger_mt("ipc_exporter");
  logger->set_pattern("%v");  // the line is formatted here, spdlog only filters and writes it
  logger->flush_on(spdlog::level::debug);
  if (level == "debug") logger->set_level(spdlog::level::debug);
  if (level == "info") logger->set_level(spdlog::level::info);
  if (level == "warn") logger->set_level(spdlog::level::warn);
  if (level == "error") logger->set_level(spdlog::level::err);
  spdlog::set_default_logger(logger);
}

void Log(LogLevel level, std::string_view message, const std::vector<LogField>& fields) {
  auto logger = spdlog::default_logger_raw();
  if (!logger->should_log(SpdlogLevel(level))) return;
  logger->log(SpdlogLevel(level), "{}",
              FormatLogLine(g_format, Timestamp(), level, message, fields));
}

bool LogThrottle::Due() {
  const int64_t now = std::time(nullptr);
  int64_t last = logged_at_.load();
  return now - last >= 60 && logged_at_.compare_exchange_strong(last, now);
}

}  // namespace ipc_exporter
