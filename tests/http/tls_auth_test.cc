// --web.config.file end to end: TLS (which Debian's CivetWeb only serves with OpenSSL 3 thanks to
// the project's libssl.so compatibility library), client certificates, minimum versions, basic
// auth on every path, configured headers, start-up errors and SIGHUP reloads. curl is the client;
// the certificates are made for each run with openssl.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "certificates.h"
#include "exporter_process.h"
#include "http_client.h"
#include "ipc_objects.h"
#include "notify_socket.h"

namespace ipc_exporter::testing {
namespace {

namespace fs = std::filesystem;

// bcrypt (cost 10) of "secret" and of "newer".
constexpr const char* kSecretHash = "$2b$10$9YKV3vStbc8GNlHy/SkpKOvmJbpjPpSugK9w3KQeDeGe6lrrgwsHS";

/// curl's status code for a request (000 when no HTTP answer came), and the headers it got.
struct Curl {
  std::string code;
  std::string headers;
};

Curl CurlRequest(std::vector<std::string> args) {
  std::vector<std::string> argv = {
      "curl", "-s", "-o", "/dev/null", "-D", "-", "-w", "\ncode=%{http_code}", "--max-time", "10"};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult result = RunCommand(argv, 30);
  size_t at = result.out.rfind("code=");
  return Curl{at == std::string::npos ? "" : result.out.substr(at + 5), result.out.substr(0, at)};
}

std::string Url(int port, const std::string& path) {
  return "https://127.0.0.1:" + std::to_string(port) + path;
}

TEST(TlsAndAuth, BasicAuthOverTlsCoversEveryPath) {
  Certificates certs;
  const std::string config =
      certs.WebConfig("web.yml",
                      "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                      "http_server_config:\n  headers:\n    X-Frame-Options: deny\n"
                      "basic_auth_users:\n  alice: \"" +
                          std::string(kSecretHash) + "\"\n");
  ExporterProcess exporter({"--web.config.file=" + config});
  const std::string ca = certs.Path("ca.crt");
  for (const char* path : {"/metrics", "/", "/healthz", "/nope"}) {
    Curl anonymous = CurlRequest({"--cacert", ca, Url(exporter.port(), path)});
    EXPECT_EQ(anonymous.code, "401") << path;
    EXPECT_NE(anonymous.headers.find("WWW-Authenticate: Basic realm=\"ipc_exporter\""),
              std::string::npos)
        << anonymous.headers;
    EXPECT_EQ(CurlRequest({"--cacert", ca, "-u", "alice:wrong", Url(exporter.port(), path)}).code,
              "401");
  }
  Curl ok = CurlRequest({"--cacert", ca, "-u", "alice:secret", Url(exporter.port(), "/metrics")});
  EXPECT_EQ(ok.code, "200");
  EXPECT_NE(ok.headers.find("X-Frame-Options: deny"), std::string::npos) << ok.headers;
  EXPECT_EQ(
      CurlRequest({"--cacert", ca, "-u", "alice:secret", Url(exporter.port(), "/healthz")}).code,
      "200");
  // Plain HTTP on the TLS port gets no answer, and the server goes on.
  EXPECT_EQ(CurlRequest({"http://127.0.0.1:" + std::to_string(exporter.port()) + "/metrics"}).code,
            "000");
  EXPECT_EQ(
      CurlRequest({"--cacert", ca, "-u", "alice:secret", Url(exporter.port(), "/metrics")}).code,
      "200");
}

TEST(TlsAndAuth, MinimumVersionAndClientCertificates) {
  Certificates certs;
  const std::string config =
      certs.WebConfig("web.yml",
                      "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                      "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n"
                      "  min_version: TLS13\n");
  ExporterProcess exporter({"--web.config.file=" + config});
  const std::string ca = certs.Path("ca.crt");
  const std::string cert = certs.Path("client.crt");
  const std::string key = certs.Path("client.key");
  const std::string url = Url(exporter.port(), "/metrics");
  EXPECT_EQ(CurlRequest({"--cacert", ca, "--cert", cert, "--key", key, url}).code, "200");
  EXPECT_EQ(CurlRequest({"--cacert", ca, url}).code, "000")
      << "a client without a certificate must be refused";
  EXPECT_EQ(
      CurlRequest({"--cacert", ca, "--cert", cert, "--key", key, "--tls-max", "1.2", url}).code,
      "000")
      << "TLS 1.2 is below min_version TLS13";
}

// The watchdog pings only after the exporter's own /healthz answered 200: it must get through
// TLS, a client certificate the CA did not sign, and basic auth, while nobody else gets past auth
// by copying the self-check's header.
TEST(TlsAndAuth, WatchdogHealthCheckPassesTlsClientCertificatesAndBasicAuth) {
  // Clients' certificates come from another CA than the server's, as in deployments where
  // Prometheus has a client certificate of its own: the server's certificate is no client's.
  Certificates certs;
  Certificates clients;
  const std::string config =
      certs.WebConfig("web.yml",
                      "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                      "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: " +
                          clients.Path("ca.crt") + "\nbasic_auth_users:\n  alice: \"" +
                          std::string(kSecretHash) + "\"\n");
  NotifySocket notify;
  ExporterProcess exporter(
      {"--web.config.file=" + config}, std::nullopt,
      {"NOTIFY_SOCKET=" + notify.path(), "WATCHDOG_USEC=2000000", "WATCHDOG_PID=$PID"});
  ASSERT_TRUE(notify.WaitForMessage("READY=1", 60000));
  // A ping each second, each after a TLS handshake with a client certificate and the request;
  // a check may miss under a sanitizer on a loaded machine, so three pings in 10 s.
  EXPECT_GE(notify.WaitForCount("WATCHDOG=1", 3, 10000), 3) << exporter.Log();

  const std::string healthz = Url(exporter.port(), "/healthz");
  auto as_client = [&](const Certificates& issuer, std::vector<std::string> more) {
    std::vector<std::string> args = {"--cacert", certs.Path("ca.crt"),
                                     "--cert",   issuer.Path("client.crt"),
                                     "--key",    issuer.Path("client.key")};
    args.insert(args.end(), more.begin(), more.end());
    return CurlRequest(args).code;
  };
  EXPECT_EQ(as_client(clients, {healthz}), "401");
  EXPECT_EQ(as_client(clients, {"-H", "X-Ipc-Exporter-Self-Check: 0123456789abcdef", healthz}),
            "401");
  EXPECT_EQ(as_client(clients, {"-H", "X-Ipc-Exporter-Self-Check:", healthz}), "401");
  EXPECT_EQ(as_client(clients, {"-u", "alice:secret", healthz}), "200");
  // A certificate of the server's CA is no client certificate here.
  EXPECT_EQ(as_client(certs, {"-u", "alice:secret", healthz}), "000");
}

// 100 clients sending made-up users as fast as they are answered cannot starve a client whose
// credentials verified before: extra bcrypt runs are refused with 503 instead of queueing.
TEST(TlsAndAuth, BcryptFloodLeavesCachedScrapesWorking) {
  Certificates certs;
  const std::string config = certs.WebConfig(
      "web.yml", "basic_auth_users:\n  alice: \"" + std::string(kSecretHash) + "\"\n");
  // All from 127.0.0.1: the per-client connection limit is off, so that bcrypt's own limit is
  // what is tested.
  ExporterProcess exporter({"--web.config.file=" + config, "--web.max-connections-per-client=0"});
  const std::vector<std::pair<std::string, std::string>> alice = {
      {"Authorization", "Basic YWxpY2U6c2VjcmV0"}};
  ASSERT_EQ(HttpRequest(exporter.port(), "GET", "/metrics", alice).status, 200);  // cached now
  std::atomic<bool> flooding{true};
  std::atomic<int> flood_401{0};
  std::atomic<int> flood_503{0};
  std::vector<std::thread> flood;
  for (int i = 0; i < 100; ++i) {
    flood.emplace_back([&, i] {
      const std::string user = "Basic " + std::string(i % 2 ? "Ym9iOnNlY3JldA==" : "eDp5");
      while (flooding) {
        try {
          int status =
              HttpRequest(exporter.port(), "GET", "/metrics", {{"Authorization", user}}, 5000)
                  .status;
          (status == 503 ? flood_503 : flood_401) += status == 503 || status == 401;
        } catch (const std::exception&) {
        }
      }
    });
  }
  int scrapes_ok = 0;
  constexpr int kScrapes = 6;
  for (int i = 0; i < kScrapes; ++i) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    try {
      scrapes_ok += HttpRequest(exporter.port(), "GET", "/metrics", alice, 10000).status == 200;
    } catch (const std::exception&) {
    }
  }
  flooding = false;
  for (std::thread& client : flood) client.join();
  EXPECT_EQ(scrapes_ok, kScrapes);
  EXPECT_GT(flood_503.load(), 0);
  EXPECT_GT(flood_401.load(), 0);
  const std::string body = HttpRequest(exporter.port(), "GET", "/metrics", alice).body;
  EXPECT_NE(body.find("ipc_exporter_auth_busy_refusals_total " + std::to_string(flood_503.load())),
            std::string::npos)
      << "503s answered: " << flood_503;
  EXPECT_NE(exporter.Log().find("too many credential checks at once"), std::string::npos);
}

TEST(TlsAndAuth, DefaultMinimumIsTls12) {
  Certificates certs;
  const std::string config = certs.WebConfig(
      "web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n");
  ExporterProcess exporter({"--web.config.file=" + config});
  const std::string ca = certs.Path("ca.crt");
  EXPECT_EQ(
      CurlRequest({"--cacert", ca, "--tls-max", "1.2", Url(exporter.port(), "/metrics")}).code,
      "200");
  EXPECT_EQ(
      CurlRequest({"--cacert", ca, "--tls-max", "1.1", Url(exporter.port(), "/metrics")}).code,
      "000");
}

TEST(TlsAndAuth, BadFilesStopStartupWithTheReason) {
  Certificates certs;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"basic_auth_users:\n  alice: notahash\n", "is not a bcrypt hash"},
      {"tls_server_config:\n  cert_file: nope.crt\n  key_file: server.key\n", "cannot be read"},
      {"tls_server_config:\n  cert_file: server.key\n  key_file: server.key\n", "cert_file"},
      {"tls_server_config:\n  cert_file: server.crt\n  key_file: client.key\n", "does not match"},
  };
  for (const auto& [yaml, reason] : cases) {
    const std::string config = certs.WebConfig("bad.yml", yaml);
    CommandResult result = RunCommand(
        {ExporterBinary(), "--web.listen-address=127.0.0.1:0", "--web.config.file=" + config}, 20);
    EXPECT_EQ(result.exit_code, 1) << yaml;
    EXPECT_NE(result.err.find(reason), std::string::npos) << yaml << "\n" << result.err;
  }
}

TEST(TlsAndAuth, SighupRereadsUsers) {
  Certificates certs;
  const std::string config = certs.WebConfig(
      "web.yml", "basic_auth_users:\n  alice: \"" + std::string(kSecretHash) + "\"\n");
  ExporterProcess exporter({"--web.config.file=" + config});
  const std::string url = "http://127.0.0.1:" + std::to_string(exporter.port()) + "/metrics";
  EXPECT_EQ(CurlRequest({"-u", "alice:secret", url}).code, "200");
  EXPECT_EQ(CurlRequest({"-u", "bob:secret", url}).code, "401");
  certs.WebConfig("web.yml", "basic_auth_users:\n  bob: \"" + std::string(kSecretHash) + "\"\n");
  exporter.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return CurlRequest({"-u", "bob:secret", url}).code == "200"; }));
  EXPECT_EQ(CurlRequest({"-u", "alice:secret", url}).code, "401");
  // A broken file on SIGHUP keeps the previous one.
  certs.WebConfig("web.yml", "basic_auth_users: [broken\n");
  exporter.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor(
      [&] { return exporter.Log().find("keeping the previous one") != std::string::npos; }));
  EXPECT_EQ(CurlRequest({"-u", "bob:secret", url}).code, "200");
  // An empty file on SIGHUP would turn basic auth off: refused like a broken one.
  certs.WebConfig("web.yml", "");
  exporter.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] {
    return exporter.Log().find("would turn basic auth off") != std::string::npos;
  })) << exporter.Log();
  EXPECT_EQ(CurlRequest({url}).code, "401");
  EXPECT_EQ(CurlRequest({"-u", "bob:secret", url}).code, "200");
}

}  // namespace
}  // namespace ipc_exporter::testing
