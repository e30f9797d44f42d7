#include "exporter/activity_events_table.h"

#include <ctime>

#include "exporter/html_text.h"

namespace ipc_exporter {
namespace {

const char* KindWord(activity_kind kind) {
  switch (kind) {
    case ACTIVITY_SEM:
      return "semaphore array";
    case ACTIVITY_MSG:
      return "queue";
    default:
      return "segment";
  }
}

const char* TypeWord(activity_event_type type) {
  switch (type) {
    case ACTIVITY_CREATED:
      return "created";
    case ACTIVITY_REMOVED:
      return "removed";
    default:
      return "changed (IPC_SET)";
  }
}

/// "2026-11-30 10:02:11" in UTC; the clock time alone is its last 8 characters.
std::string UtcDateTime(int64_t unix_ns) {
  const time_t seconds = static_cast<time_t>(unix_ns / 1000000000);
  tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &utc);
  return text;
}

std::string UtcClockTime(int64_t unix_ns) { return UtcDateTime(unix_ns).substr(11); }

/// "segment 123, key 0x0000abcd, removed at 10:02:11 by ipcrm (pid 4711, uid 0)"
std::string Sentence(const ActivityEvent& event) {
  std::string sentence = KindWord(event.kind);
  sentence.append(" ").append(std::to_string(event.id));
  if (event.key != 0) sentence.append(", key ").append(FormatKey(event.key));
  sentence.append(", ")
      .append(TypeWord(event.type))
      .append(" at ")
      .append(UtcClockTime(event.unix_time_ns))
      .append(" by ")
      .append(event.command)
      .append(" (pid ")
      .append(std::to_string(event.pid))
      .append(", uid ")
      .append(std::to_string(event.uid))
      .append(")");
  return sentence;
}

}  // namespace

std::string RenderActivityEvents(const std::vector<ActivityEvent>& events, size_t shown) {
  if (events.empty()) {
    return "<p>No object was created, removed or changed since tracing began.</p>\n";
  }
  std::string html =
      "<table id=\"events\">\n<tr><th>Time (UTC)</th><th>What happened</th><th>Parent</th>"
      "<th>Cgroup</th><th>IPC namespace</th></tr>\n";
  size_t count = 0;
  for (auto event = events.rbegin(); event != events.rend() && count < shown; ++event, ++count) {
    std::string parent = event->parent_command;
    parent.append(" (pid ").append(std::to_string(event->parent_pid)).append(")");
    html.append("<tr><td>")
        .append(UtcDateTime(event->unix_time_ns))
        .append("</td><td>")
        .append(HtmlEscape(Sentence(*event)))
        .append("</td><td>")
        .append(HtmlEscape(parent))
        .append("</td><td>")
        .append(HtmlEscape(event->cgroup))
        .append("</td><td class=\"num\">")
        .append(std::to_string(event->ipc_namespace))
        .append("</td></tr>\n");
  }
  html.append("</table>\n");
  if (events.size() > shown) {
    html.append("<p>")
        .append(std::to_string(events.size() - shown))
        .append(" older events kept are not shown.</p>\n");
  }
  return html;
}

}  // namespace ipc_exporter
