// ipc_exporter: serves Linux System V and POSIX IPC objects as Prometheus metrics.

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <mutex>
#include <thread>

#include "base/logging.h"
#include "bpf/bpf_activity.h"
#include "collectors/collector.h"
#include "exporter/accept_guard.h"
#include "exporter/http_server.h"
#include "exporter/options.h"
#include "exporter/privileges.h"
#include "exporter/self_check.h"
#include "exporter/systemd_integration.h"
#include "exporter/web_config.h"
#include "procfs/account_names.h"
#include "procfs/diagnosis_memory.h"
#include "procfs/ipc_syscalls.h"
#include "procfs/proc_fs.h"
#include "scrape/build_info.h"
#include "scrape/collector_table.h"
#include "scrape/scraper.h"

namespace ipc_exporter {
namespace {

/// The enabled collectors, in table order (the order of options.collectors), with the context
/// of the exporter's own IPC namespace.
CollectorSet EnabledCollectors(const Options& options, const CollectorContext& context) {
  CollectorSet set{{}, context};
  for (const CollectorInfo& info : AllCollectors()) {
    for (const std::string& name : options.collectors) {
      if (name == info.name) set.members.push_back({name, info.create});
    }
  }
  return set;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ",") + name;
  return joined;
}

// Blocks SIGINT, SIGTERM and SIGHUP in every thread (CivetWeb's workers and the task pool
// inherit the mask), so that the main thread alone takes them with sigwait.
sigset_t BlockControlSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

/// Pings the systemd watchdog at half its interval, but only after /healthz answered: a hung
/// HTTP server stops the pings and systemd restarts the service.
class Watchdog {
 public:
  Watchdog(const SystemdNotifier& notifier, SelfCheckTarget target) {
    std::optional<std::chrono::microseconds> interval = notifier.WatchdogInterval();
    if (!interval) return;
    const std::string address = target.address;
    check_ = std::make_unique<SelfCheck>(std::move(target));
    const auto period = std::chrono::duration_cast<std::chrono::milliseconds>(*interval / 2);
    const auto check_timeout = std::max(std::chrono::milliseconds(50), period / 2);
    thread_ = std::thread([this, &notifier, address, period, check_timeout] {
      std::unique_lock<std::mutex> lock(mutex_);
      while (!stop_) {
        lock.unlock();
        if (check_->HealthzAnswers(check_timeout)) {
          notifier.WatchdogPing();
        } else {
          Log(LogLevel::kWarn, "health check failed, withholding the watchdog ping",
              {{"address", address}});
        }
        lock.lock();
        stopped_.wait_for(lock, period, [this] { return stop_; });
      }
    });
  }
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    stopped_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::unique_ptr<SelfCheck> check_;
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool stop_ = false;
  std::thread thread_;
};

// Raises the soft limit of open files to the hard one, as Go programs do: each connection and
// each /proc read takes a descriptor, and the soft limit (often 1024) is only a default.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// True if any listen address has a port below 1024 (binding it needs CAP_NET_BIND_SERVICE).
bool ListensOnLowPort(const Options& options) {
  if (options.systemd_socket) return false;  // systemd bound it
  for (const std::string& address : options.listen_addresses) {
    int port = std::atoi(address.substr(address.rfind(':') + 1).c_str());
    if (port > 0 && port < 1024) return true;
  }
  return false;
}

/// The collectors' settings from the command line; they share one memory for the diagnosis.
CollectorSettings SettingsFrom(const Options& options) {
  CollectorSettings settings;
  settings.shm_attachers = options.shm_attachers;
  settings.posix_shm_processes = options.posix_shm_processes;
  settings.msg_stall_threshold_seconds = options.msg_stall_threshold_seconds;
  settings.dev_shm = options.dev_shm;
  settings.shm_max_series = options.max_series.at("shm");
  settings.sem_max_series = options.max_series.at("sem");
  settings.msg_max_series = options.max_series.at("msg");
  settings.posix_shm_max_series = options.max_series.at("posix_shm");
  settings.posix_sem_max_series = options.max_series.at("posix_sem");
  settings.posix_mqueue_max_series = options.max_series.at("posix_mqueue");
  settings.activity_max_series = options.max_series.at("activity");
  settings.memory = std::make_shared<DiagnosisMemory>();
  return settings;
}

/// --once: one scrape to standard output.
int WriteOneScrape(Scraper& scraper, std::chrono::seconds timeout) {
  std::shared_ptr<const ScrapeResult> result;
  try {
    result = scraper.Scrape(timeout);
  } catch (const std::exception& error) {
    Log(LogLevel::kError, "scrape failed", {{"err", error.what()}});
    std::fflush(stderr);
    std::_Exit(1);  // a collection may still hang in the kernel: do not wait for it
  }
  for (const std::string& part : result->parts()) {
    std::fwrite(part.data(), 1, part.size(), stdout);
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}

/// The HTTP server's configuration, with the web configuration file read and the systemd
/// socket taken; nothing (and the reason logged) if either fails.
std::optional<HttpServerConfig> ServerConfigFrom(const Options& options) {
  HttpServerConfig config;
  config.listen_addresses = options.listen_addresses;
  config.telemetry_path = options.telemetry_path;
  config.max_requests = options.max_requests;
  // Behind a reverse proxy (no per-client limit) every client is the proxy: no limit either.
  config.max_scrapes_per_client = options.max_connections_per_client == 0 ? 0 : 4;
  config.gzip_level = options.gzip_level;
  config.request_timeout_ms = options.request_timeout_seconds * 1000;
  config.scrape_timeout_ms = options.scrape_timeout_seconds * 1000;
  if (!options.web_config_file.empty()) {
    try {
      config.web = LoadWebConfig(options.web_config_file);
    } catch (const WebConfigError& error) {
      Log(LogLevel::kError, "invalid web configuration", {{"err", error.what()}});
      return std::nullopt;
    }
  }
  if (options.systemd_socket) {
    std::string why;
    std::optional<int> fd = TakeSystemdListenSocket(&why);
    if (!fd) {
      Log(LogLevel::kError, "cannot use the systemd socket", {{"err", why}});
      return std::nullopt;
    }
    config.systemd_socket = *fd;
  }
  return config;
}

/// Waits for SIGINT or SIGTERM; on SIGHUP re-reads what can change without a restart: account
/// names (renamed users and groups), and the web configuration's users and headers. A bad file
/// keeps the one in force (`web_config`).
void ServeUntilStopped(const Options& options, sigset_t control_signals, HttpServer& server,
                       WebConfig web_config, CachedAccountNames& names,
                       const SystemdNotifier& notifier, const std::string& serving) {
  for (;;) {
    int signal_number = 0;
    sigwait(&control_signals, &signal_number);
    if (signal_number != SIGHUP) {
      Log(LogLevel::kInfo, "shutting down", {{"signal", strsignal(signal_number)}});
      return;
    }
    notifier.Reloading();
    names.Clear();
    std::string reloaded = "user and group names";
    if (!options.web_config_file.empty()) {
      try {
        WebConfig next = LoadWebConfig(options.web_config_file);
        const std::string refused = WhyReloadIsRefused(web_config, next);
        if (!refused.empty()) throw WebConfigError(options.web_config_file + ": " + refused);
        server.ApplyWebConfig(next);
        web_config = std::move(next);
        reloaded += ", web configuration";
      } catch (const WebConfigError& error) {
        Log(LogLevel::kError, "invalid web configuration, keeping the previous one",
            {{"err", error.what()}});
      }
    }
    Log(LogLevel::kInfo, "reloaded", {{"what", reloaded}});
    notifier.Ready(serving);
  }
}

/// Bounded at every step, well inside systemd's TimeoutStopSec: requests under way are
/// answered (their wait for a collection is bounded by the scrape timeout), then the server
/// stops; a collection stuck in the kernel is not waited for.
int StopServing(std::unique_ptr<HttpServer> server, Scraper& scraper,
                std::chrono::seconds scrape_timeout) {
  server->Drain(std::min<std::chrono::milliseconds>(scrape_timeout, std::chrono::seconds(10)) +
                std::chrono::seconds(1));
  server.reset();
  if (!scraper.WaitIdle(std::chrono::seconds(2))) {
    Log(LogLevel::kWarn, "stopped with a collection still running (stuck in the kernel?)",
        {{"running_ms", std::to_string(scraper.CollectionRunningFor().count())}});
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(0);  // the collection's thread cannot be joined; nothing is left to save
  }
  Log(LogLevel::kInfo, "stopped");
  return 0;
}

bool DropCapabilities(const Options& options, ActivityTracing activity) {
  std::string dropped = DropOtherCapabilities(NeededCapabilities(
      options.shm_attachers || options.posix_shm_processes, options.posix_shm_processes,
      options.all_namespaces, ListensOnLowPort(options), activity));
  if (!dropped.empty()) Log(LogLevel::kError, "cannot drop capabilities", {{"err", dropped}});
  return dropped.empty();
}

/// --collector.activity: loads the BPF programs with the capabilities that takes, then drops
/// the one only loading needed. A tracing that cannot start is logged once and reported by
/// ipc_exporter_activity_enabled 0; the exporter serves everything else. Before any thread.
std::shared_ptr<BpfActivity> StartActivityTracing(const Options& options) {
  BpfActivity::Options tracing;
  tracing.all_namespaces = options.all_namespaces;
  tracing.max_objects = options.activity_max_objects;
  tracing.events_kept = options.activity_events_kept;
  auto activity = std::make_shared<BpfActivity>(tracing);
  if (activity->enabled()) {
    Log(LogLevel::kInfo, "activity tracing started: the IPC syscall tracepoints are traced",
        {{"max_objects", std::to_string(tracing.max_objects)}});
  } else {
    Log(LogLevel::kWarn, "activity tracing could not start; serving everything else",
        {{"reason", activity->why_disabled()}});
  }
  return activity;
}

/// The diagnosis names an object's creator by the processes it saw alive at a scrape; one that
/// created an object and exited between two scrapes was never seen. The creation event names it
/// (a later scrape that finds it alive remembers it afresh).
BpfActivity::EventObserver RememberCreators(std::shared_ptr<DiagnosisMemory> memory) {
  return [memory](const ActivityEvent& event) {
    if (event.type != ACTIVITY_CREATED || event.pid == 0) return;
    memory->Remember(
        static_cast<int32_t>(event.pid),
        {static_cast<double>(event.process_start_unix_ns) / 1e9, event.command, event.uid});
  };
}

int Run(const Options& options) {
  // Before any thread exists: capabilities are per thread, and new threads inherit them.
  const bool activity = std::find(options.collectors.begin(), options.collectors.end(),
                                  "activity") != options.collectors.end();
  if (!DropCapabilities(options, activity ? ActivityTracing::kLoading : ActivityTracing::kOff)) {
    return 1;
  }
  std::shared_ptr<BpfActivity> tracing;
  CollectorSettings settings = SettingsFrom(options);
  if (activity) {
    tracing = StartActivityTracing(options);
    if (!DropCapabilities(options, ActivityTracing::kLoaded)) return 1;
    tracing->StartTakingEvents(RememberCreators(settings.memory));
    settings.activity = tracing;
  }
  ProcFs proc(options.procfs);
  LinuxIpcSyscalls syscalls;
  CachedAccountNames names;
  CollectorContext context{proc, syscalls, names, std::move(settings),
                           [] { return static_cast<int64_t>(std::time(nullptr)); }};
  Scraper scraper(EnabledCollectors(options, context), /*process_metrics=*/!options.once);
  if (options.all_namespaces) scraper.CollectAllNamespaces(options.max_other_namespaces);
  const std::chrono::seconds scrape_timeout(options.scrape_timeout_seconds);
  if (options.once) return WriteOneScrape(scraper, scrape_timeout);

  Log(LogLevel::kInfo, "starting ipc_exporter",
      {{"version", Version()},
       {"revision", Revision()},
       {"collectors", JoinNames(options.collectors)},
       {"procfs", options.procfs},
       {"ipc_namespaces", options.all_namespaces ? "all" : "self"},
       {"capabilities", EffectiveCapabilities()}});
  sigset_t control_signals = BlockControlSignals();
  RaiseOpenFileLimit();
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the exporter
  SystemdNotifier notifier;
  std::optional<HttpServerConfig> config = ServerConfigFrom(options);
  if (!config) return 1;
  config->activity = tracing;
  LimitConnectionsPerClient(options.max_connections_per_client, &scraper.serving_counters());
  std::unique_ptr<HttpServer> server;
  try {
    server = std::make_unique<HttpServer>(*config, scraper);
  } catch (const std::exception& error) {
    Log(LogLevel::kError, "cannot start HTTP server", {{"err", error.what()}});
    return 1;
  }
  for (const std::string& address : server->bound_addresses()) {
    Log(LogLevel::kInfo, "listening", {{"address", address}, {"path", options.telemetry_path}});
  }
  const std::string serving =
      "Serving " + options.telemetry_path + " on " + JoinNames(server->bound_addresses());
  notifier.Ready(serving);
  std::unique_ptr<Watchdog> watchdog;
  try {
    watchdog = std::make_unique<Watchdog>(notifier, server->self_check_target());
  } catch (const std::exception& error) {
    Log(LogLevel::kError, "cannot set up the watchdog's health check", {{"err", error.what()}});
    return 1;
  }
  ServeUntilStopped(options, control_signals, *server, config->web, names, notifier, serving);
  notifier.Stopping();
  watchdog.reset();
  return StopServing(std::move(server), scraper, scrape_timeout);
}

}  // namespace
}  // namespace ipc_exporter

int main(int argc, char** argv) {
  using namespace ipc_exporter;
  // A scrape builds a body of megabytes on large hosts, on whichever CivetWeb worker serves it.
  // glibc would give each worker thread an arena of its own and raise its mmap threshold after
  // the first big free, so every worker would keep a body's worth of freed memory. Fixed
  // thresholds send big buffers straight to mmap (returned on free), and two arenas cap the rest.
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 512 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
  ParsedCommandLine command_line = ParseCommandLine(argc, argv, std::cout, std::cerr);
  if (!command_line.options) return command_line.exit_code;
  const Options& options = *command_line.options;
  SetUpLogging(options.log_level, options.log_format);
  return Run(options);
}
