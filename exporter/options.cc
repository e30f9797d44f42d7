#include "exporter/options.h"

#include <arpa/inet.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <map>
#include <sstream>

#include "collectors/collector.h"
#include "scrape/build_info.h"
#include "scrape/collector_table.h"

namespace ipc_exporter {

namespace {

/// Flags kept as text until the whole command line is read, then checked and turned into
/// Options.
struct FlagText {
  std::vector<std::string> addresses;
  std::string request_timeout = "10s";
  std::string scrape_timeout = "30s";
  std::string namespaces = "self";
  std::string stall_threshold = "5m";
  std::string log_format = "logfmt";
  bool disable_defaults = false;
  std::map<std::string, bool> collector_flags;            // --collector.NAME, by name
  std::map<std::string, CLI::Option*> collector_options;  // to tell explicit ones
};

/// --web.*: where and how the exporter serves.
void AddWebFlags(CLI::App& app, Options& options, FlagText& text) {
  app.add_option("--web.listen-address", text.addresses,
                 "Address to listen on, HOST:PORT or :PORT; repeat for several. Default :" +
                     std::to_string(kDefaultPort) + ".")
      ->type_name("ADDR");
  app.add_option("--web.telemetry-path", options.telemetry_path,
                 "Path under which to expose metrics.")
      ->capture_default_str();
  app.add_flag("--web.systemd-socket", options.systemd_socket,
               "Serve the listening socket passed by systemd socket activation (an IPv4 TCP "
               "socket) instead of --web.listen-address.");
  app.add_option("--web.config.file", options.web_config_file,
                 "Web configuration file in exporter-toolkit's format: TLS, basic auth users "
                 "(bcrypt), response headers. Re-read on SIGHUP (TLS on restart).")
      ->type_name("FILE");
  app.add_option("--web.request-timeout", text.request_timeout,
                 "A client must send its whole request within this time, and each part of the "
                 "answer must leave within it (slow clients cannot hold a worker longer).")
      ->capture_default_str();
  app.add_option("--web.scrape-timeout", text.scrape_timeout,
                 "Longest a request waits for a collection (Prometheus's "
                 "X-Prometheus-Scrape-Timeout-Seconds shortens it); then 503 while the "
                 "collection goes on. /healthz fails once a collection runs twice as long.")
      ->capture_default_str();
  app.add_option("--web.max-requests", options.max_requests,
                 "Maximum number of scrapes served at once; more get 503. 0 means no limit.")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--web.max-connections-per-client", options.max_connections_per_client,
                 "Most connections one client address may hold open; more are closed at once "
                 "(behind a reverse proxy, every client is the proxy's address). 0 means no "
                 "limit.")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--web.gzip-level", options.gzip_level,
                 "gzip level for clients that accept gzip (1 fastest - 9 smallest).")
      ->capture_default_str()
      ->check(CLI::Range(1, 9));
}

/// --path.*, --collector.* and --ipc.*: what is collected, and from where.
void AddCollectionFlags(CLI::App& app, Options& options, FlagText& text) {
  app.add_option("--path.procfs", options.procfs, "procfs mount point.")->capture_default_str();
  app.add_option("--path.devshm", options.dev_shm,
                 "Where POSIX shared memory and named semaphores live.")
      ->capture_default_str();

  for (const CollectorInfo& info : AllCollectors()) {
    std::string name(info.name);
    options.max_series[name] = CollectorSettings::kDefaultMaxSeries;
    app.add_option("--collector." + name + ".max-series", options.max_series[name],
                   "Most per-object series the " + name +
                       " collector publishes; objects past it are left out (leaked, stuck and "
                       "stalled ones are kept first) and counted in ipc_exporter_series_dropped. "
                       "0: totals and limits only.")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    text.collector_flags[name] = info.enabled_by_default;
    text.collector_options[name] =
        app.add_flag("--collector." + name + ",!--no-collector." + name, text.collector_flags[name],
                     "Enable the " + name + " collector: " + std::string(info.help) +
                         " (default: " + (info.enabled_by_default ? "enabled" : "disabled") + ").");
  }
  app.add_flag("--collector.shm.attachers", options.shm_attachers,
               "List the processes attaching each segment (ipc_shm_segment_attacher_info), from "
               "every process's /proc/PID/maps; costs a read of each maps file per scrape.");
  app.add_flag("--collector.posix_shm.processes", options.posix_shm_processes,
               "Count the processes mapping or holding each POSIX shared memory object "
               "(ipc_posix_shm_object_mapped_processes, _orphaned), from every process's "
               "/proc/PID/maps and fd; needs CAP_SYS_PTRACE for other users' processes.");
  app.add_option("--collector.activity.max-objects", options.activity_max_objects,
                 "Objects whose calls --collector.activity counts at once: sizes the kernel map "
                 "(about 600 bytes each, fixed at start, ipc_exporter_activity_map_bytes); calls "
                 "on objects past it are counted in ipc_exporter_activity_untracked_calls_total.")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  app.add_option("--collector.activity.events", options.activity_events_kept,
                 "Recent lifecycle events (created, removed, changed) the exporter keeps for "
                 "the landing page.")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  app.add_option(
         "--ipc.namespaces.max", options.max_other_namespaces,
         "With --ipc.namespaces=all: most text.namespaces collected besides the exporter's own, "
         "containers first, then the lowest pids (the rest are counted as skipped); they "
         "share one --collector.NAME.max-series between them.")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--ipc.namespaces", text.namespaces,
                 "Which IPC text.namespaces to collect: self (the exporter's own) or all (every "
                 "container's too, each series labelled ipc_namespace; needs CAP_SYS_ADMIN and "
                 "CAP_SYS_PTRACE).")
      ->capture_default_str()
      ->check(CLI::IsMember({"self", "all"}));
  app.add_option("--collector.msg.stall-threshold", text.stall_threshold,
                 "A queue that never had a message received reads never_received once its last "
                 "send is older than this (e.g. 90s, 5m, 1h).")
      ->capture_default_str();
  app.add_flag("--collector.disable-defaults", text.disable_defaults,
               "Disable every collector not enabled explicitly with --collector.NAME.");
}

/// --log.*, --once and --version.
void AddProcessFlags(CLI::App& app, Options& options, FlagText& text) {
  app.add_option("--log.level", options.log_level, "Log level: debug, info, warn, error.")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  app.add_option("--log.format", text.log_format, "Log format: logfmt or json.")
      ->capture_default_str()
      ->check(CLI::IsMember({"logfmt", "json"}));
  app.add_flag("--once", options.once,
               "Write one scrape to standard output and exit (for textfile collectors and "
               "debugging); process_* metrics are left out.");
  app.set_version_flag("--version", std::string(VersionLine()));
}

/// Checks what CLI11 cannot and fills the rest of `options` from `text`; the message for a
/// bad command line, or "".
std::string ApplyFlagText(const FlagText& text, Options* options) {
  std::ostringstream why;
  if (options->telemetry_path.empty() || options->telemetry_path.front() != '/' ||
      options->telemetry_path == "/" || options->telemetry_path == "/healthz") {
    why << "--web.telemetry-path: \"" << options->telemetry_path
        << "\" must start with / and not be / or /healthz\n";
    return why.str();
  }
  std::optional<int64_t> stall_seconds = ParseDurationSeconds(text.stall_threshold);
  if (!stall_seconds) {
    why << "--collector.msg.stall-threshold: \"" << text.stall_threshold
        << "\" is not a duration like 90s, 5m or 1h30m\n";
    return why.str();
  }
  options->msg_stall_threshold_seconds = *stall_seconds;
  std::optional<int64_t> timeout_seconds = ParseDurationSeconds(text.request_timeout);
  if (!timeout_seconds || *timeout_seconds < 1 || *timeout_seconds > 3600) {
    why << "--web.request-timeout: \"" << text.request_timeout
        << "\" is not a duration from 1s to 1h\n";
    return why.str();
  }
  options->request_timeout_seconds = *timeout_seconds;
  std::optional<int64_t> scrape_seconds = ParseDurationSeconds(text.scrape_timeout);
  if (!scrape_seconds || *scrape_seconds < 1 || *scrape_seconds > 3600) {
    why << "--web.scrape-timeout: \"" << text.scrape_timeout
        << "\" is not a duration from 1s to 1h\n";
    return why.str();
  }
  options->scrape_timeout_seconds = *scrape_seconds;
  std::vector<std::string> addresses = text.addresses;
  if (addresses.empty()) addresses.push_back(":" + std::to_string(kDefaultPort));
  for (const std::string& address : addresses) {
    std::string problem;
    std::optional<std::string> normalised = NormaliseListenAddress(address, &problem);
    if (!normalised) {
      why << "--web.listen-address: " << problem << "\n";
      return why.str();
    }
    options->listen_addresses.push_back(*normalised);
  }
  for (const CollectorInfo& info : AllCollectors()) {
    std::string name(info.name);
    bool explicit_flag = text.collector_options.at(name)->count() > 0;
    bool enabled = text.collector_flags.at(name);
    if (text.disable_defaults && !explicit_flag) enabled = false;
    if (enabled) options->collectors.push_back(name);
  }
  options->log_format = text.log_format == "json" ? LogFormat::kJson : LogFormat::kLogfmt;
  options->all_namespaces = text.namespaces == "all";
  return "";
}

}  // namespace

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv, std::ostream& out,
                                   std::ostream& err) {
  Options options;
  CLI::App app{
      "Prometheus exporter for Linux IPC objects: System V shared memory segments, semaphore "
      "arrays and message queues, and POSIX shared memory, named semaphores and message queues.",
      "ipc_exporter"};
  app.get_formatter()->column_width(44);
  FlagText text;
  AddWebFlags(app, options, text);
  AddCollectionFlags(app, options, text);
  AddProcessFlags(app, options, text);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version come this way too, with exit code 0: CLI11 prints them. Every other
    // case is a bad command line: one line, and the 2 the README promises (not CLI11's codes).
    if (error.get_exit_code() == 0)
      return ParsedCommandLine{std::nullopt, app.exit(error, out, err)};
    err << "ipc_exporter: " << error.what() << " (see --help)\n";
    return ParsedCommandLine{std::nullopt, 2};
  }
  const std::string why = ApplyFlagText(text, &options);
  if (!why.empty()) {
    err << why;
    return ParsedCommandLine{std::nullopt, 2};
  }
  return ParsedCommandLine{options, 0};
}

}  // namespace ipc_exporter
