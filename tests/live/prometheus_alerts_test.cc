// Debian's real Prometheus on 127.0.0.1 scrapes the real exporter with the shipped rules (their
// `for:` durations cut to 1 s) while a leaked segment and a stuck semaphore exist; both alerts
// must fire with the labels that name the objects, as Prometheus's HTTP API reports them.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "certificates.h"
#include "exporter_process.h"
#include "http_client.h"
#include "ipc_objects.h"

namespace ipc_exporter::testing {
namespace {

namespace fs = std::filesystem;

/// Prometheus as a child process with a scratch directory, stopped by pid and removed at the end.
class PrometheusProcess {
 public:
  /// `job_extra` is added to the scrape job (scheme, tls_config, basic_auth).
  PrometheusProcess(const std::string& rules_text, int exporter_port,
                    const std::string& job_extra = "") {
    dir_ = fs::temp_directory_path() / ("ipc_prometheus_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "data");
    std::ofstream(dir_ / "rules.yml") << rules_text;
    std::ofstream(dir_ / "prometheus.yml")
        << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
           "rule_files:\n  - rules.yml\n"
           "scrape_configs:\n  - job_name: ipc_exporter\n"
        << job_extra << "    static_configs:\n      - targets: ['127.0.0.1:" << exporter_port
        << "']\n";
    port_ = FreeLoopbackPort();
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string config = "--config.file=" + (dir_ / "prometheus.yml").string();
      std::string storage = "--storage.tsdb.path=" + (dir_ / "data").string();
      std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port_);
      ::execlp("prometheus", "prometheus", config.c_str(), storage.c_str(), listen.c_str(),
               "--log.level=warn", static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~PrometheusProcess() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    if (!WaitFor([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, 15000)) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    fs::remove_all(dir_);
  }
  int port() const { return port_; }

 private:
  fs::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

/// The JSON object of each firing alert in /api/v1/alerts, as text: one per alert.
std::vector<std::string> FiringAlerts(int port) {
  std::vector<std::string> firing;
  std::string body;
  try {
    body = HttpRequest(port, "GET", "/api/v1/alerts", {}, 5000).body;
  } catch (const std::exception&) {
    return firing;  // not up yet
  }
  // Alerts are flat objects but for their "labels" and "annotations" maps.
  const std::regex alert(R"(\{"labels":\{[^}]*\},"annotations":\{[^}]*\},"state":"firing"[^}]*\})");
  for (std::sregex_iterator it(body.begin(), body.end(), alert), end; it != end; ++it) {
    firing.push_back(it->str());
  }
  return firing;
}

TEST(PrometheusAlerts, LeakedSegmentAndStuckSemaphoreFire) {
  LeakedSegment leaked_segment(65536);
  const int shmid = leaked_segment.id();
  const pid_t creator = leaked_segment.creator();

  // A stuck semaphore: taken without SEM_UNDO by a child that exits while another waits.
  TestSemArray lock(1, 0600);
  lock.SetAll({1});
  const int semid = lock.id();
  pid_t holder = ::fork();
  if (holder == 0) {
    sembuf take{0, -1, 0};
    ::semop(semid, &take, 1);
    ::_exit(0);
  }
  ::waitpid(holder, nullptr, 0);
  ChildProcess waiter([semid] {
    sembuf take{0, -1, 0};
    ::semop(semid, &take, 1);
  });
  ASSERT_TRUE(WaitFor([&] { return lock.Count(0, GETNCNT) == 1; }));

  ExporterProcess exporter;
  std::ifstream rules_file(std::string(IPC_TEST_SOURCE_DIR) +
                           "/../deploy/prometheus/ipc_exporter_rules.yml");
  std::stringstream rules;
  rules << rules_file.rdbuf();
  ASSERT_FALSE(rules.str().empty());
  const std::string fast_rules =
      std::regex_replace(rules.str(), std::regex("for: \\w+"), "for: 1s");
  PrometheusProcess prometheus(fast_rules, exporter.port());

  const std::string leaked = "\"shmid\":\"" + std::to_string(shmid) + "\"";
  const std::string stuck = "\"semid\":\"" + std::to_string(semid) + "\"";
  std::string leaked_alert, stuck_alert;
  for (int attempt = 0; attempt < 120 && (leaked_alert.empty() || stuck_alert.empty()); ++attempt) {
    for (const std::string& alert : FiringAlerts(prometheus.port())) {
      if (alert.find("IPCSharedMemorySegmentLeaked") != std::string::npos &&
          alert.find(leaked) != std::string::npos) {
        leaked_alert = alert;
      }
      if (alert.find("IPCSemaphoreStuck") != std::string::npos &&
          alert.find(stuck) != std::string::npos) {
        stuck_alert = alert;
      }
    }
    ::usleep(500000);
  }
  ASSERT_FALSE(leaked_alert.empty()) << "IPCSharedMemorySegmentLeaked never fired";
  ASSERT_FALSE(stuck_alert.empty()) << "IPCSemaphoreStuck never fired";
  EXPECT_NE(leaked_alert.find("\"severity\":\"warning\""), std::string::npos) << leaked_alert;
  EXPECT_NE(leaked_alert.find("\"key\":\"0x00000000\""), std::string::npos) << leaked_alert;
  EXPECT_NE(leaked_alert.find("\"user\":\"root\""), std::string::npos) << leaked_alert;
  EXPECT_NE(leaked_alert.find("(pid " + std::to_string(creator) + "), which is gone"),
            std::string::npos)
      << leaked_alert;
  EXPECT_NE(stuck_alert.find("\"severity\":\"critical\""), std::string::npos) << stuck_alert;
  EXPECT_NE(stuck_alert.find("\"semnum\":\"0\""), std::string::npos) << stuck_alert;
  EXPECT_NE(stuck_alert.find("(pid " + std::to_string(holder) + ") is gone"), std::string::npos)
      << stuck_alert;
}

TEST(PrometheusAlerts, PrometheusScrapesOverHttpsWithBasicAuth) {
  Certificates certs;
  // bcrypt (cost 10) of "secret".
  const std::string config =
      certs.WebConfig("web.yml",
                      "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                      "basic_auth_users:\n  prometheus: "
                      "\"$2b$10$9YKV3vStbc8GNlHy/SkpKOvmJbpjPpSugK9w3KQeDeGe6lrrgwsHS\"\n");
  ExporterProcess exporter({"--web.config.file=" + config});
  PrometheusProcess prometheus(
      "groups: []\n", exporter.port(),
      "    scheme: https\n    tls_config:\n      ca_file: " + certs.Path("ca.crt") +
          "\n    basic_auth:\n      username: prometheus\n"
          "      password: secret\n");
  std::string answer;
  for (int attempt = 0; attempt < 120; ++attempt) {
    try {
      answer =
          HttpRequest(prometheus.port(), "GET",
                      "/api/v1/query?query=ipc_exporter_build_info%20*%20on(job)%20up", {}, 5000)
              .body;
    } catch (const std::exception&) {
      answer.clear();
    }
    if (answer.find("\"value\":[") != std::string::npos) break;
    ::usleep(500000);
  }
  // up is 1 and the exporter's own series came through TLS and basic auth.
  EXPECT_NE(answer.find("\"job\":\"ipc_exporter\""), std::string::npos) << answer;
  EXPECT_NE(answer.find(",\"1\"]"), std::string::npos) << answer;
}

}  // namespace
}  // namespace ipc_exporter::testing
