#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "base/logging.h"
#include "exporter/flag_values.h"

namespace ipc_exporter {

/// The default port: the 9100-9999 exporter range is fully allocated, so a fixed port above
/// 10000 that the Prometheus wiki's default-port list does not name (see README).
inline constexpr int kDefaultPort = 12110;

/// Everything the command line decides.
struct Options {
  std::vector<std::string> listen_addresses;  // normalised to "a.b.c.d:port"
  std::string telemetry_path = "/metrics";
  int max_requests = 40;  // concurrent scrapes; 0 = no limit
  std::string procfs = "/proc";
  std::string dev_shm = "/dev/shm";
  std::vector<std::string> collectors;  // enabled, in table order
  std::string log_level = "info";
  LogFormat log_format = LogFormat::kLogfmt;
  int gzip_level = 1;
  bool once = false;
  bool systemd_socket = false;  // serve the socket systemd passed instead of listen addresses
  int64_t request_timeout_seconds = 10;
  int64_t scrape_timeout_seconds = 30;  // --web.scrape-timeout
  uint64_t max_other_namespaces = 100;  // --ipc.namespaces.max
  int max_connections_per_client = 32;  // --web.max-connections-per-client
  std::string web_config_file;          // --web.config.file, empty for none
  bool shm_attachers = false;
  bool posix_shm_processes = false;  // --collector.posix_shm.processes
  bool all_namespaces = false;       // --ipc.namespaces=all
  int64_t msg_stall_threshold_seconds = 300;
  uint32_t activity_max_objects = 4096;        // --collector.activity.max-objects
  uint32_t activity_events_kept = 1000;        // --collector.activity.events
  std::map<std::string, uint64_t> max_series;  // collector name -> --collector.NAME.max-series
};

/// The outcome of reading the command line: options to run with, or an exit code when the
/// command line asked for --help / --version or was wrong (the message is already printed).
struct ParsedCommandLine {
  std::optional<Options> options;
  int exit_code = 0;
};

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv, std::ostream& out,
                                   std::ostream& err);

}  // namespace ipc_exporter
