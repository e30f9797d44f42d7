// ipc_exporter: serves Linux System V IPC objects as Prometheus metrics.

#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>

#include "account_names.h"
#include "build_info.h"
#include "collector.h"
#include "http_server.h"
#include "ipc_syscalls.h"
#include "logging.h"
#include "options.h"
#include "proc_fs.h"
#include "scraper.h"

namespace ipc_exporter {
namespace {

std::vector<Scraper::NamedCollector> CreateCollectors(const Options& options,
                                                      const CollectorContext& context) {
  std::vector<Scraper::NamedCollector> collectors;
  for (const CollectorInfo& info : AllCollectors()) {
    for (const std::string& name : options.collectors) {
      if (name == info.name) collectors.push_back({name, info.create(context)});
    }
  }
  return collectors;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ",") + name;
  return joined;
}

// Blocks SIGINT and SIGTERM in every thread (CivetWeb's workers inherit the mask), so that the
// main thread alone takes them with sigwait and shuts down in order.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int Run(const Options& options) {
  ProcFs proc(options.procfs);
  LinuxIpcSyscalls syscalls;
  CachedAccountNames names;
  CollectorSettings settings;
  settings.shm_attachers = options.shm_attachers;
  settings.msg_stall_threshold_seconds = options.msg_stall_threshold_seconds;
  settings.shm_max_series = options.max_series.at("shm");
  settings.sem_max_series = options.max_series.at("sem");
  settings.msg_max_series = options.max_series.at("msg");
  CollectorContext context{proc, syscalls, names, settings,
                           [] { return static_cast<int64_t>(std::time(nullptr)); }};
  Scraper scraper(CreateCollectors(options, context), /*process_metrics=*/!options.once);

  if (options.once) {
    std::shared_ptr<const ScrapeResult> result = scraper.Scrape();
    for (const std::string& part : result->parts()) {
      std::fwrite(part.data(), 1, part.size(), stdout);
    }
    return std::fflush(stdout) == 0 ? 0 : 1;
  }

  Log(LogLevel::kInfo, "starting ipc_exporter",
      {{"version", Version()},
       {"revision", Revision()},
       {"collectors", JoinNames(options.collectors)},
       {"procfs", options.procfs}});
  sigset_t stop_signals = BlockStopSignals();
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the exporter

  HttpServerConfig config{options.listen_addresses, options.telemetry_path, options.max_requests,
                          options.gzip_level};
  std::unique_ptr<HttpServer> server;
  try {
    server = std::make_unique<HttpServer>(config, scraper);
  } catch (const std::exception& error) {
    Log(LogLevel::kError, "cannot start HTTP server", {{"err", error.what()}});
    return 1;
  }
  for (const std::string& address : server->bound_addresses()) {
    Log(LogLevel::kInfo, "listening", {{"address", address}, {"path", options.telemetry_path}});
  }

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  Log(LogLevel::kInfo, "shutting down", {{"signal", strsignal(signal_number)}});
  server.reset();
  Log(LogLevel::kInfo, "stopped");
  return 0;
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
