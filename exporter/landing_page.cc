#include "landing_page.h"

#include <cstdio>

#include "build_info.h"

namespace ipc_exporter {

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

std::string RenderLandingPage(std::string_view telemetry_path,
                              const std::vector<CollectorStatus>& statuses) {
  std::string path = HtmlEscape(telemetry_path);
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>IPC Exporter</title>\n<style>\n"
      "body{font-family:sans-serif;margin:2em;max-width:60em;color:#222}\n"
      "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;"
      "text-align:left}\n.ok{color:#176317}.failed{color:#a31515}.pending{color:#666}\n"
      "</style>\n</head>\n<body>\n<h1>IPC Exporter</h1>\n"
      "<p>Prometheus exporter for Linux System V IPC: shared memory segments, semaphore arrays "
      "and message queues.</p>\n<ul>\n<li><a href=\"" +
      path + "\">Metrics</a> (" + path +
      ")</li>\n<li><a href=\"/healthz\">Health</a> (/healthz)</li>\n</ul>\n"
      "<h2>Collectors</h2>\n<table>\n<tr><th>Collector</th><th>Last scrape</th>"
      "<th>Duration</th><th>Error</th></tr>\n";
  for (const CollectorStatus& s : statuses) {
    std::string state = !s.scraped  ? "<td class=\"pending\">not scraped yet</td>"
                        : s.success ? "<td class=\"ok\">ok</td>"
                                    : "<td class=\"failed\">failed</td>";
    char duration[32] = "";
    if (s.scraped) std::snprintf(duration, sizeof(duration), "%.3f ms", s.duration_seconds * 1e3);
    page += "<tr><td>" + HtmlEscape(s.name) + "</td>" + state + "<td>" + duration + "</td><td>" +
            HtmlEscape(s.error) + "</td></tr>\n";
  }
  page += "</table>\n<p><small>" + HtmlEscape(VersionLine()) + "</small></p>\n</body>\n</html>\n";
  return page;
}

}  // namespace ipc_exporter
