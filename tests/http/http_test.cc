// The real binary over HTTP on 127.0.0.1: paths, methods, content types, gzip, HEAD, the
// concurrency limit, lint-clean output, start-up errors and clean shutdown.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "exporter_process.h"
#include "exposition.h"
#include "http_client.h"
#include "ipc_objects.h"

namespace ipc_exporter::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMetricsType = "text/plain; version=0.0.4; charset=utf-8";

/// Drops the families whose values change from one scrape to the next.
std::string StableLines(const std::string& body) {
  std::istringstream lines(body);
  std::string line, stable;
  while (std::getline(lines, line)) {
    if (line.find("ipc_exporter_collector_duration_seconds") != std::string::npos ||
        line.find("ipc_exporter_collections_total") != std::string::npos ||
        line.find("ipc_exporter_scrape_requests_total") != std::string::npos ||
        line.find("process_") != std::string::npos) {
      continue;
    }
    stable += line + "\n";
  }
  return stable;
}

/// A scratch copy of a fixture /proc tree, removed afterwards.
/// How many times `needle` occurs in `text`.
size_t CountOf(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

class ScratchProc {
 public:
  explicit ScratchProc(const std::string& fixture) {
    root_ = fs::temp_directory_path() /
            ("ipc_http_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    fs::copy(std::string(IPC_TEST_SOURCE_DIR) + "/fixtures/" + fixture + "/proc", root_,
             fs::copy_options::recursive);
  }
  ~ScratchProc() { fs::remove_all(root_); }
  fs::path path(const std::string& relative) const { return root_ / relative; }
  std::string root() const { return root_.string(); }

 private:
  static inline int counter_ = 0;
  fs::path root_;
};

TEST(Http, MetricsAnswerWithTheExpositionContentType) {
  ExporterProcess exporter;
  HttpResponse response = HttpRequest(exporter.port(), "GET", "/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers["content-type"], kMetricsType);
  EXPECT_EQ(response.headers["content-length"], std::to_string(response.body.size()));
  std::vector<ParsedSample> samples = ParseExposition(response.body);
  EXPECT_EQ(FindSamples(samples, "ipc_exporter_build_info").size(), 1u);
  for (const char* collector : {"shm", "sem", "msg"}) {
    EXPECT_EQ(FindSample(samples, "ipc_exporter_collector_success", {{"collector", collector}}),
              "1");
  }
  for (const char* family : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                             "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
                             "process_start_time_seconds"}) {
    EXPECT_EQ(FindSamples(samples, family).size(), 1u) << family;
  }
  // A query string does not change the path.
  EXPECT_EQ(HttpRequest(exporter.port(), "GET", "/metrics?debug=1").status, 200);
}

// A FIFO where a /proc file should be would block a read forever: it is refused, its
// collector reports the failure, and the server goes on and stops promptly.
TEST(Http, FifoInProcfsFailsItsCollectorNotTheServer) {
  ScratchProc proc("normal");
  fs::remove(proc.path("sysvipc/shm"));
  ASSERT_EQ(::mkfifo(proc.path("sysvipc/shm").c_str(), 0644), 0);
  fs::remove(proc.path("sys/kernel/msgmni"));
  ASSERT_EQ(::mkfifo(proc.path("sys/kernel/msgmni").c_str(), 0644), 0);
  ExporterProcess exporter({"--path.procfs=" + proc.root()});
  for (int i = 0; i < 2; ++i) {
    HttpResponse response = HttpRequest(exporter.port(), "GET", "/metrics", {}, 10000);
    ASSERT_EQ(response.status, 200);
    std::vector<ParsedSample> samples = ParseExposition(response.body);
    EXPECT_EQ(FindSample(samples, "ipc_exporter_collector_success", {{"collector", "shm"}}), "0");
    EXPECT_EQ(FindSample(samples, "ipc_exporter_collector_success", {{"collector", "msg"}}), "0");
    EXPECT_EQ(FindSample(samples, "ipc_exporter_collector_success", {{"collector", "sem"}}), "1");
  }
  EXPECT_EQ(HttpRequest(exporter.port(), "GET", "/healthz").status, 200);
  EXPECT_NE(exporter.Log().find("not a regular file"), std::string::npos) << exporter.Log();
  const auto stopping = std::chrono::steady_clock::now();
  EXPECT_EQ(exporter.Stop(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(5));
}

// SIGTERM while a scrape is being collected: the scrape still gets its whole body, and the
// exporter then exits.
TEST(Http, SigtermFinishesTheScrapeInProgress) {
  ScratchProc proc("normal");
  {  // 200,000 segments: a collection long enough to be caught in the middle
    std::ofstream shm(proc.path("sysvipc/shm"), std::ios::app);
    for (int id = 100000; id < 300000; ++id) {
      shm << "0 " << id << " 600 4096 1234 1234 0 0 0 0 0 0 0 1795000000 4096 0\n";
    }
  }
  ExporterProcess exporter(
      {"--path.procfs=" + proc.root(), "--collector.shm.max-series=0", "--no-collector.posix_shm"});
  HttpResponse warm = HttpRequest(exporter.port(), "GET", "/metrics", {}, 30000);
  ASSERT_EQ(warm.status, 200);
  const int socket = SendRequestWithoutReading(exporter.port(), "/metrics");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  exporter.Signal(SIGTERM);
  HttpResponse during = ReadResponse(socket, 30000);
  EXPECT_EQ(during.status, 200);
  EXPECT_EQ(during.headers["content-length"], std::to_string(during.body.size()));
  EXPECT_EQ(StableLines(during.body), StableLines(warm.body));
  EXPECT_EQ(exporter.Stop(), 0);
  EXPECT_NE(exporter.Log().find("msg=stopped"), std::string::npos);
}

TEST(Http, GzipBodyInflatesToThePlainBody) {
  ScratchProc proc("empty");  // fixed content, so two scrapes agree
  ExporterProcess exporter({"--path.procfs=" + proc.root()});
  HttpResponse plain = HttpRequest(exporter.port(), "GET", "/metrics");
  HttpResponse gzip =
      HttpRequest(exporter.port(), "GET", "/metrics", {{"Accept-Encoding", "gzip, deflate"}});
  EXPECT_EQ(gzip.status, 200);
  EXPECT_EQ(gzip.headers["content-encoding"], "gzip");
  EXPECT_EQ(gzip.headers["content-type"], kMetricsType);
  EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
  std::string inflated = Gunzip(gzip.body);
  EXPECT_EQ(StableLines(inflated), StableLines(plain.body));
  EXPECT_NE(StableLines(plain.body).find("ipc_sem_arrays_limit 128"), std::string::npos);
  // q=0 refuses gzip.
  HttpResponse refused =
      HttpRequest(exporter.port(), "GET", "/metrics", {{"Accept-Encoding", "gzip;q=0"}});
  EXPECT_EQ(refused.headers.count("content-encoding"), 0u);
}

TEST(Http, HeadSendsHeadersWithoutBody) {
  ScratchProc proc("empty");
  ExporterProcess exporter({"--path.procfs=" + proc.root(), "--collector.disable-defaults"});
  HttpResponse get = HttpRequest(exporter.port(), "GET", "/metrics");
  HttpResponse head = HttpRequest(exporter.port(), "HEAD", "/metrics");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-type"], kMetricsType);
  EXPECT_TRUE(head.body.empty());
  EXPECT_GT(std::stoul(head.headers["content-length"]), 0u);
  EXPECT_EQ(HttpRequest(exporter.port(), "HEAD", "/").status, 200);
  EXPECT_EQ(HttpRequest(exporter.port(), "HEAD", "/healthz").status, 200);
}

TEST(Http, ExactPathsOnly) {
  ExporterProcess exporter;
  for (const char* path : {"/metricsX", "/METRICS", "/metrics/", "/metrics/x", "/healthzz",
                           "/index.html", "/%2e%2e/etc/passwd", "//metrics"}) {
    EXPECT_EQ(HttpRequest(exporter.port(), "GET", path).status, 404) << path;
  }
  HttpResponse health = HttpRequest(exporter.port(), "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "OK\n");
  HttpResponse landing = HttpRequest(exporter.port(), "GET", "/");
  EXPECT_EQ(landing.status, 200);
  EXPECT_EQ(landing.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_NE(landing.body.find("<a href=\"/metrics\">"), std::string::npos);
  for (const char* collector : {">shm<", ">sem<", ">msg<"}) {
    EXPECT_NE(landing.body.find(collector), std::string::npos) << collector;
  }
}

TEST(Http, OtherMethodsAre405) {
  ExporterProcess exporter;
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    HttpResponse response = HttpRequest(exporter.port(), method, "/metrics");
    EXPECT_EQ(response.status, 405) << method;
    EXPECT_EQ(response.headers["allow"], "GET, HEAD") << method;
  }
  EXPECT_EQ(HttpRequest(exporter.port(), "POST", "/").status, 405);
}

TEST(Http, CustomTelemetryPath) {
  ExporterProcess exporter({"--web.telemetry-path=/ipc"});
  EXPECT_EQ(HttpRequest(exporter.port(), "GET", "/ipc").status, 200);
  EXPECT_EQ(HttpRequest(exporter.port(), "GET", "/metrics").status, 404);
  EXPECT_NE(HttpRequest(exporter.port(), "GET", "/").body.find("<a href=\"/ipc\">"),
            std::string::npos);
}

// The scrape in flight blocks on a FIFO standing in for /proc/sysvipc/shm, so the second one
// arrives while the first certainly still runs.
TEST(Http, LiveScrapePassesPromtoolCheckMetrics) {
  ExporterProcess exporter;
  HttpResponse response = HttpRequest(exporter.port(), "GET", "/metrics");
  ASSERT_EQ(response.status, 200);
  CommandResult promtool = RunCommand({"promtool", "check", "metrics"}, 60, response.body);
  EXPECT_EQ(promtool.exit_code, 0) << promtool.out << promtool.err;
  EXPECT_EQ(promtool.out + promtool.err, "") << "promtool found problems";
}

TEST(Http, FailingCollectorGivesSuccessZeroAndTheScrapeStillSucceeds) {
  ScratchProc proc("normal");
  fs::remove(proc.path("sysvipc/sem"));
  ExporterProcess exporter({"--path.procfs=" + proc.root()});
  HttpResponse response = HttpRequest(exporter.port(), "GET", "/metrics");
  EXPECT_EQ(response.status, 200);
  std::vector<ParsedSample> samples = ParseExposition(response.body);
  EXPECT_EQ(FindSample(samples, "ipc_exporter_collector_success", {{"collector", "sem"}}), "0");
  EXPECT_EQ(FindSample(samples, "ipc_exporter_collector_success", {{"collector", "shm"}}), "1");
  EXPECT_TRUE(FindSamples(samples, "ipc_sem_arrays").empty());
  EXPECT_EQ(FindSample(samples, "ipc_shm_segments"), "4");
  HttpResponse landing = HttpRequest(exporter.port(), "GET", "/");
  EXPECT_NE(landing.body.find("class=\"failed\""), std::string::npos);
  // Logged when it starts failing and when it recovers, not on every scrape.
  for (int i = 0; i < 20; ++i) HttpRequest(exporter.port(), "GET", "/metrics");
  fs::copy_file(std::string(IPC_TEST_SOURCE_DIR) + "/fixtures/normal/proc/sysvipc/sem",
                proc.path("sysvipc/sem"));
  std::vector<ParsedSample> recovered =
      ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body);
  EXPECT_EQ(FindSample(recovered, "ipc_exporter_collector_success", {{"collector", "sem"}}), "1");
  for (int i = 0; i < 5; ++i) HttpRequest(exporter.port(), "GET", "/metrics");
  std::string log = exporter.Log();
  EXPECT_EQ(CountOf(log, "msg=\"collector failed\" collector=sem"), 1u) << log;
  EXPECT_EQ(CountOf(log, "level=error"), 1u) << log;
  EXPECT_EQ(CountOf(log, "msg=\"collector recovered\" collector=sem"), 1u) << log;
}

TEST(Http, CardinalityCapIsCountedAndTotalsStayExact) {
  ScratchProc proc("normal");
  ExporterProcess exporter({"--path.procfs=" + proc.root(), "--collector.shm.max-series=20"});
  std::vector<ParsedSample> samples =
      ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body);
  // Only the leaked segment's 15 series fit; the other three segments' 43 are dropped.
  EXPECT_EQ(FindSample(samples, "ipc_exporter_series_dropped", {{"collector", "shm"}}), "43");
  EXPECT_EQ(FindSample(samples, "ipc_exporter_series_dropped", {{"collector", "msg"}}), "0");
  EXPECT_EQ(FindSamples(samples, "ipc_shm_segment_size_bytes").size(), 1u);
  EXPECT_EQ(FindSample(samples, "ipc_shm_segments"), "4");
  EXPECT_EQ(FindSample(samples, "ipc_shm_segment_orphaned", {{"shmid", "32769"}}), "1");
}

TEST(Http, ConcurrentScrapesAllSucceedAndShareCollections) {
  // Eight clients, all on 127.0.0.1: the per-client limits would take them for one client.
  ExporterProcess exporter({"--web.max-connections-per-client=0"});
  constexpr int kThreads = 8, kScrapesEach = 6;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kScrapesEach; ++i) {
        std::vector<std::pair<std::string, std::string>> headers;
        if ((t + i) % 2 == 0) headers.push_back({"Accept-Encoding", "gzip"});
        HttpResponse response = HttpRequest(exporter.port(), "GET", "/metrics", headers);
        std::string body = headers.empty() ? response.body : Gunzip(response.body);
        if (response.status == 200 && body.find("ipc_exporter_build_info") != std::string::npos) {
          ++ok;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), kThreads * kScrapesEach);
  std::vector<ParsedSample> samples =
      ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body);
  const double walks = std::stod(*FindSample(samples, "ipc_exporter_collections_total"));
  EXPECT_GE(walks, 1);
  EXPECT_LE(walks, kThreads * kScrapesEach + 1);
  EXPECT_EQ(FindSample(samples, "ipc_exporter_scrape_requests_total", {{"code", "200"}}),
            std::to_string(kThreads * kScrapesEach));
}

TEST(Http, DisabledCollectorsPublishNothing) {
  ExporterProcess exporter({"--no-collector.sem", "--no-collector.msg", "--no-collector.posix_sem",
                            "--no-collector.posix_shm", "--no-collector.posix_mqueue"});
  std::vector<ParsedSample> samples =
      ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body);
  for (const ParsedSample& sample : samples) {
    EXPECT_NE(sample.name.rfind("ipc_sem_", 0), 0u) << sample.name;
    EXPECT_NE(sample.name.rfind("ipc_msg_", 0), 0u) << sample.name;
  }
  EXPECT_EQ(FindSamples(samples, "ipc_exporter_collector_success").size(), 1u);
}

TEST(Http, SigtermStopsCleanlyAndJsonLogsAreJson) {
  ExporterProcess exporter({"--log.format=json"});
  EXPECT_EQ(exporter.Stop(), 0);
  std::string log = exporter.Log();
  EXPECT_EQ(log.rfind("{\"ts\":", 0), 0u) << log;
  EXPECT_NE(log.find("\"msg\":\"listening\",\"address\":\"127.0.0.1:"), std::string::npos) << log;
  EXPECT_NE(log.find("\"msg\":\"stopped\""), std::string::npos) << log;
}

TEST(Binary, OnceWritesOneScrapeToStdoutWithoutProcessMetrics) {
  CommandResult once =
      RunCommand({ExporterBinary(), "--once",
                  "--path.procfs=" + std::string(IPC_TEST_SOURCE_DIR) + "/fixtures/empty/proc"});
  EXPECT_EQ(once.exit_code, 0) << once.err;
  std::vector<ParsedSample> samples = ParseExposition(once.out);
  EXPECT_EQ(FindSample(samples, "ipc_shm_segments_limit"), "128");
  EXPECT_EQ(FindSample(samples, "ipc_shm_rmid_forced"), "1");
  for (const ParsedSample& sample : samples) {
    EXPECT_NE(sample.name.rfind("process_", 0), 0u) << sample.name;  // no process_* family
  }
  EXPECT_EQ(once.out.find("# TYPE process_"), std::string::npos);
}

TEST(Binary, BadCommandLinesExitTwoWithAMessage) {
  const std::vector<std::vector<std::string>> bad = {{"--no-such-flag"},
                                                     {"--log.level=loud"},
                                                     {"--web.listen-address=[::]:1"},
                                                     {"--collector.shm.max-series=lots"},
                                                     {"--once=maybe"}};
  for (const std::vector<std::string>& args : bad) {
    std::vector<std::string> argv = {ExporterBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    CommandResult result = RunCommand(argv, 20);
    EXPECT_EQ(result.exit_code, 2) << args[0];
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
  CommandResult version = RunCommand({ExporterBinary(), "--version"}, 20);
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("ipc_exporter, version ", 0), 0u) << version.out;
}

TEST(Binary, PortInUseIsAClearStartupError) {
  ExporterProcess first;
  CommandResult second = RunCommand(
      {ExporterBinary(), "--web.listen-address=127.0.0.1:" + std::to_string(first.port())}, 20);
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("cannot start HTTP server"), std::string::npos) << second.err;
}

}  // namespace
}  // namespace ipc_exporter::testing
