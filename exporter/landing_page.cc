#include "exporter/landing_page.h"

#include <cstdio>
#include <ctime>
#include <iterator>

#include "exporter/activity_events_table.h"
#include "exporter/html_text.h"
#include "exporter/object_tables.h"
#include "scrape/build_info.h"

namespace ipc_exporter {
namespace {

constexpr const char* kStyle =
    "body{font-family:sans-serif;margin:2em;max-width:110em;color:#222}\n"
    "table{border-collapse:collapse;margin-bottom:1.5em}\n"
    "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}\n"
    "th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".ok{color:#176317}.failed{color:#a31515}.pending{color:#666}\n"
    ".bar{width:10em;height:.8em;background:#eee;border:1px solid #bbb}\n"
    ".fill{height:100%;background:#3a7d3a}.fill.warn{background:#c98a00}"
    ".fill.crit{background:#a31515}\n"
    "table.objects th{cursor:pointer}code.cmd{user-select:all;background:#f3f3f3;padding:0 .2em}\n"
    "table.semaphores td,table.semaphores th{padding:.1em .4em}\n"
    "section.kind{content-visibility:auto;contain-intrinsic-size:auto 40em}\n";

std::string FormatCount(double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%.0f", value);
  return buffer;
}

/// The problem in words, and in which IPC namespace when it is not the exporter's own.
std::string DescribeProblem(const AttentionItem& item) {
  std::string problem = ProblemName(item.problem);
  if (item.ipc_namespace != 0) {
    problem.append(" (ipc namespace ").append(std::to_string(item.ipc_namespace)).append(")");
  }
  return problem;
}

/// What makes the problem's size: a segment's bytes, a semaphore's value and waiters, a queue's
/// messages and bytes.
std::string DescribeAmount(const AttentionItem& item) {
  switch (item.problem) {
    case Problem::kOrphanedSegment:
      return FormatBytes(static_cast<double>(item.bytes));
    case Problem::kStuckSemaphore:
      return std::string("value ")
          .append(std::to_string(item.value))
          .append(", ")
          .append(std::to_string(item.waiters))
          .append(" waiting");
    case Problem::kStalledQueue:
      return std::to_string(item.messages)
          .append(" messages, ")
          .append(FormatBytes(static_cast<double>(item.bytes)));
  }
  return "";
}

std::string AttentionTable(const std::vector<AttentionItem>& items) {
  if (items.empty()) return "<p class=\"ok\">Nothing needs attention.</p>\n";
  std::string html =
      "<table id=\"attention\">\n<tr><th>Problem</th><th>Key</th><th>ID</th><th>Owner</th>"
      "<th>Size or value</th><th>PID</th><th>Command</th><th>Idle for</th></tr>\n";
  for (const AttentionItem& item : items) {
    // Appended piece by piece: GCC 12 at -O3 takes "literal" + std::string for an overlapping
    // copy (-Wrestrict).
    std::string id = std::to_string(item.id);
    if (item.semaphore) id.append("/").append(std::to_string(*item.semaphore));
    html += "<tr><td class=\"failed\">" + HtmlEscape(DescribeProblem(item)) + "</td><td>" +
            FormatKey(item.key) + "</td><td>" + id + "</td><td>" + HtmlEscape(item.owner) +
            "</td><td>" + DescribeAmount(item) + "</td><td class=\"num\">" +
            std::to_string(item.pid) + "</td><td>" +
            (item.command.empty() ? "-" : HtmlEscape(item.command)) + "</td><td>" +
            HumanDuration(item.idle_seconds) + "</td></tr>\n";
  }
  return html + "</table>\n";
}

std::string LimitsTable(const std::vector<LimitUsage>& limits) {
  std::string html =
      "<table id=\"limits\">\n<tr><th>Resource</th><th>Used</th><th>Limit</th><th>Use</th>"
      "<th></th></tr>\n";
  for (const LimitUsage& l : limits) {
    double percent = l.limit > 0 ? 100.0 * l.used / l.limit : 0;
    auto show = [&](double v) { return l.in_bytes ? FormatBytes(v) : FormatCount(v); };
    char percent_text[32];
    std::snprintf(percent_text, sizeof(percent_text), "%.1f%%", percent);
    char width[32];
    std::snprintf(width, sizeof(width), "%.1f%%", percent > 100 ? 100.0 : percent);
    const char* level = percent >= 90 ? " crit" : percent >= 75 ? " warn" : "";
    std::string resource = l.resource;
    if (l.ipc_namespace != 0) {
      resource.append(" in ipc namespace ").append(std::to_string(l.ipc_namespace));
    }
    html += "<tr><td>" + HtmlEscape(resource) + "</td><td class=\"num\">" + show(l.used) +
            "</td><td class=\"num\">" + show(l.limit) + "</td><td class=\"num\">" + percent_text +
            "</td><td><div class=\"bar\"><div class=\"fill" + level + "\" style=\"width:" + width +
            "\"></div></div></td></tr>\n";
  }
  return html + "</table>\n";
}

std::string CollectorsTable(const std::vector<CollectorStatus>& statuses) {
  std::string html =
      "<table id=\"collectors\">\n<tr><th>Collector</th><th>Last scrape</th><th>Duration</th>"
      "<th>Error</th></tr>\n";
  for (const CollectorStatus& s : statuses) {
    std::string state = !s.scraped  ? "<td class=\"pending\">not scraped yet</td>"
                        : s.success ? "<td class=\"ok\">ok</td>"
                                    : "<td class=\"failed\">failed</td>";
    char duration[32] = "";
    if (s.scraped) std::snprintf(duration, sizeof(duration), "%.3f ms", s.duration_seconds * 1e3);
    html += "<tr><td>" + HtmlEscape(s.name) + "</td>" + state + "<td class=\"num\">" + duration +
            "</td><td>" + HtmlEscape(s.error) + "</td></tr>\n";
  }
  return html + "</table>\n";
}

}  // namespace

std::string RenderLandingPage(std::string_view telemetry_path,
                              const std::vector<CollectorStatus>& statuses,
                              const ScrapeFindings& findings,
                              const std::vector<ActivityEvent>* events) {
  std::string path = HtmlEscape(telemetry_path);
  std::string lifecycle;
  if (events != nullptr) {
    lifecycle = "<h2>Recent lifecycle events</h2>\n" + RenderActivityEvents(*events, 200);
  }
  return std::string("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n") +
         "<title>IPC Exporter</title>\n<style>\n" + kStyle + "</style>\n</head>\n<body>\n" +
         "<h1>IPC Exporter</h1>\n<p>Prometheus exporter for Linux IPC: System V shared memory "
         "segments, semaphore arrays and message queues, and POSIX shared memory, named "
         "semaphores and message queues.</p>\n<ul>\n<li><a href=\"" +
         path + "\">Metrics</a> (" + path +
         ")</li>\n<li><a href=\"/healthz\">Health</a> (/healthz)</li>\n</ul>\n"
         "<h2>Needs attention</h2>\n" +
         AttentionTable(findings.attention) + "<h2>Kernel limits</h2>\n" +
         LimitsTable(findings.limits) + lifecycle + "<h2>All objects</h2>\n" +
         RenderObjectTables(findings.objects, static_cast<int64_t>(std::time(nullptr))) +
         "<h2>Collectors</h2>\n" + CollectorsTable(statuses) + "<p><small>" +
         HtmlEscape(VersionLine()) + "</small></p>\n<script>" + kObjectTablesScript +
         "</script>\n</body>\n</html>\n";
}

}  // namespace ipc_exporter
