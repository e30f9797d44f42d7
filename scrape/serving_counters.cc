#include "scrape/serving_counters.h"

namespace ipc_exporter {

void ServingCounters::Write(ExpositionWriter& out) const {
  out.Family("ipc_exporter_scrape_requests_total",
             "Requests to the telemetry path by HTTP status code, this one not yet counted.",
             MetricType::kCounter);
  out.Sample({{"code", "200"}}, responses_200.load());
  out.Sample({{"code", "500"}}, responses_500.load());
  out.Sample({{"code", "503"}}, responses_503.load());
  out.Sample({{"code", "429"}}, responses_429.load());
  out.Family("ipc_exporter_connections_refused_total",
             "Connections closed as soon as they were accepted because their client address "
             "already held --web.max-connections-per-client.",
             MetricType::kCounter);
  out.Sample({}, connections_refused.load());
  out.Family("ipc_exporter_accept_failures_total",
             "Connections that could not be accepted for want of file descriptors (each "
             "pauses the accept loop 100 ms).",
             MetricType::kCounter);
  out.Sample({}, accept_failures.load());
  out.Family("ipc_exporter_auth_busy_refusals_total",
             "Requests answered 503 before their credentials were checked, because as many "
             "bcrypt checks as allowed (half the CPUs) were running; cached credentials are "
             "never refused so.",
             MetricType::kCounter);
  out.Sample({}, auth_busy_refusals.load());
}

}  // namespace ipc_exporter
