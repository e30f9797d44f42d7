#include "exporter/options.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "collectors/collector.h"
#include "scrape/collector_table.h"

namespace ipc_exporter {
namespace {

struct CommandLineRun {
  ParsedCommandLine parsed;
  std::string out;
  std::string err;
};

CommandLineRun Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "ipc_exporter");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  std::ostringstream out, err;
  CommandLineRun run{ParseCommandLine(static_cast<int>(argv.size()), argv.data(), out, err), "",
                     ""};
  run.out = out.str();
  run.err = err.str();
  return run;
}

TEST(ParseCommandLine, Defaults) {
  CommandLineRun run = Parse({});
  ASSERT_TRUE(run.parsed.options.has_value()) << run.err;
  const Options& o = *run.parsed.options;
  EXPECT_EQ(o.listen_addresses, std::vector<std::string>{"0.0.0.0:12110"});
  EXPECT_EQ(o.telemetry_path, "/metrics");
  EXPECT_EQ(o.max_requests, 40);
  EXPECT_EQ(o.procfs, "/proc");
  EXPECT_EQ(o.collectors, (std::vector<std::string>{"shm", "sem", "msg", "posix_shm", "posix_sem",
                                                    "posix_mqueue"}));
  EXPECT_EQ(o.log_level, "info");
  EXPECT_EQ(o.log_format, LogFormat::kLogfmt);
  EXPECT_EQ(o.gzip_level, 1);
  EXPECT_FALSE(o.once);
}

TEST(ParseCommandLine, NodeExporterStyleFlags) {
  CommandLineRun run =
      Parse({"--web.listen-address=127.0.0.1:9999", "--web.listen-address", ":10001",
             "--web.telemetry-path=/m", "--web.max-requests=3", "--path.procfs=/host/proc",
             "--no-collector.sem", "--log.level=debug", "--log.format=json", "--once"});
  ASSERT_TRUE(run.parsed.options.has_value()) << run.err;
  const Options& o = *run.parsed.options;
  EXPECT_EQ(o.listen_addresses, (std::vector<std::string>{"127.0.0.1:9999", "0.0.0.0:10001"}));
  EXPECT_EQ(o.telemetry_path, "/m");
  EXPECT_EQ(o.max_requests, 3);
  EXPECT_EQ(o.procfs, "/host/proc");
  EXPECT_EQ(o.collectors,
            (std::vector<std::string>{"shm", "msg", "posix_shm", "posix_sem", "posix_mqueue"}));
  EXPECT_EQ(o.log_level, "debug");
  EXPECT_EQ(o.log_format, LogFormat::kJson);
  EXPECT_TRUE(o.once);
}

TEST(ParseCommandLine, DisableDefaultsKeepsOnlyExplicitCollectors) {
  CommandLineRun run = Parse({"--collector.disable-defaults", "--collector.msg"});
  ASSERT_TRUE(run.parsed.options.has_value()) << run.err;
  EXPECT_EQ(run.parsed.options->collectors, std::vector<std::string>{"msg"});
  run = Parse({"--collector.disable-defaults"});
  ASSERT_TRUE(run.parsed.options.has_value());
  EXPECT_TRUE(run.parsed.options->collectors.empty());
}

/// The flags --help lists, each once ("--web.listen-address", "--collector.shm", ...).
std::set<std::string> FlagsInHelp() {
  std::string help = Parse({"--help"}).out;
  std::set<std::string> flags;
  const std::regex flag(R"((?:^|[\s,])(--[a-z][a-z0-9._-]*[a-z0-9])(?=[\s,{=]|$))");
  for (std::sregex_iterator it(help.begin(), help.end(), flag), end; it != end; ++it) {
    flags.insert((*it)[1].str());
  }
  return flags;
}

TEST(ParseCommandLine, EveryBadFlagOrValueExitsTwoWithOneLine) {
  // A bad use of every flag --help lists: keyed by the flag, so a new flag without a case here
  // fails the coverage check below.
  std::map<std::string, std::vector<std::string>> bad = {
      {"--collector.disable-defaults", {"--collector.disable-defaults=maybe"}},
      {"--collector.msg.stall-threshold", {"--collector.msg.stall-threshold=soon"}},
      {"--collector.posix_shm.processes", {"--collector.posix_shm.processes=maybe"}},
      {"--collector.shm.attachers", {"--collector.shm.attachers=maybe"}},
      {"--ipc.namespaces", {"--ipc.namespaces=some"}},
      {"--ipc.namespaces.max", {"--ipc.namespaces.max=-1"}},
      {"--collector.activity.events", {"--collector.activity.events=-1"}},
      {"--collector.activity.max-objects", {"--collector.activity.max-objects=0"}},
      {"--log.format", {"--log.format=xml"}},
      {"--log.level", {"--log.level=chatty"}},
      {"--once", {"--once=maybe"}},
      {"--path.devshm", {"--path.devshm"}},  // no value
      {"--path.procfs", {"--path.procfs"}},
      {"--web.config.file", {"--web.config.file"}},
      {"--web.gzip-level", {"--web.gzip-level=0"}},
      {"--web.listen-address", {"--web.listen-address=[::1]:9100"}},
      {"--web.max-requests", {"--web.max-requests=-1"}},
      {"--web.max-connections-per-client", {"--web.max-connections-per-client=-1"}},
      {"--web.request-timeout", {"--web.request-timeout=0s"}},
      {"--web.scrape-timeout", {"--web.scrape-timeout=soon"}},
      {"--web.systemd-socket", {"--web.systemd-socket=maybe"}},
      {"--web.telemetry-path", {"--web.telemetry-path=/healthz"}},
  };
  for (const CollectorInfo& info : AllCollectors()) {
    const std::string name(info.name);
    bad["--collector." + name] = {"--collector." + name + "=maybe"};
    bad["--no-collector." + name] = {"--no-collector." + name + "=maybe"};
    bad["--collector." + name + ".max-series"] = {"--collector." + name + ".max-series=lots"};
  }
  for (const std::string& flag : FlagsInHelp()) {
    // --help and --version take no value and cannot be misused: HelpAndVersionExitZero.
    if (flag == "--help" || flag == "--version") continue;
    EXPECT_TRUE(bad.contains(flag)) << flag << " has no bad-use case here";
  }
  std::vector<std::vector<std::string>> more = {
      {"--no-such-flag"},
      {"--web.max-requests=lots"},
      {"--web.listen-address=127.0.0.1"},
      {"--web.listen-address=127.0.0.1:70000"},
      {"--web.listen-address=example.com:80"},
      {"--web.telemetry-path=metrics"},
      {"--web.telemetry-path=/"},
      {"--web.request-timeout=2h"},
      {"--web.scrape-timeout=0s"},
      {"--web.scrape-timeout=2h"},
      {"--collector.nope"},
      {"stray-argument"},
  };
  for (const auto& [flag, args] : bad) more.push_back(args);
  for (const std::vector<std::string>& args : more) {
    CommandLineRun run = Parse(args);
    EXPECT_FALSE(run.parsed.options.has_value()) << args[0];
    EXPECT_EQ(run.parsed.exit_code, 2) << args[0];
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << args[0] << ": " << run.err;
    EXPECT_TRUE(run.out.empty()) << args[0];
  }
}

TEST(ParseCommandLine, MaxSeriesZeroMeansTotalsOnly) {
  CommandLineRun run =
      Parse({"--collector.posix_sem.max-series=0", "--collector.sem.max-series=0"});
  ASSERT_TRUE(run.parsed.options.has_value()) << run.err;
  EXPECT_EQ(run.parsed.options->max_series.at("posix_sem"), 0u);
  EXPECT_EQ(run.parsed.options->max_series.at("sem"), 0u);
  EXPECT_EQ(run.parsed.options->max_series.at("shm"), CollectorSettings::kDefaultMaxSeries);
}

TEST(ParseCommandLine, HelpAndVersionExitZero) {
  CommandLineRun help = Parse({"--help"});
  EXPECT_FALSE(help.parsed.options.has_value());
  EXPECT_EQ(help.parsed.exit_code, 0);
  EXPECT_NE(help.out.find("--web.listen-address"), std::string::npos);
  EXPECT_NE(help.out.find("--no-collector.shm"), std::string::npos);
  EXPECT_NE(help.out.find("POSIX shared memory, named semaphores and message queues"),
            std::string::npos);
  CommandLineRun version = Parse({"--version"});
  EXPECT_FALSE(version.parsed.options.has_value());
  EXPECT_EQ(version.parsed.exit_code, 0);
  EXPECT_NE(version.out.find("ipc_exporter, version"), std::string::npos);
}

}  // namespace
}  // namespace ipc_exporter

namespace ipc_exporter {
namespace {

TEST(ParseCommandLine, DiagnosisFlags) {
  std::vector<const char*> argv = {"ipc_exporter", "--collector.shm.attachers",
                                   "--collector.msg.stall-threshold=90s"};
  std::ostringstream out, err;
  ParsedCommandLine parsed = ParseCommandLine(3, argv.data(), out, err);
  ASSERT_TRUE(parsed.options.has_value()) << err.str();
  EXPECT_TRUE(parsed.options->shm_attachers);
  EXPECT_EQ(parsed.options->msg_stall_threshold_seconds, 90);
  argv[2] = "--collector.msg.stall-threshold=soon";
  EXPECT_FALSE(ParseCommandLine(3, argv.data(), out, err).options.has_value());
}

}  // namespace
}  // namespace ipc_exporter
