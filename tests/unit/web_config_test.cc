#include "exporter/web_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace ipc_exporter {
namespace {

namespace fs = std::filesystem;

// bcrypt of "secret" at cost 10.
constexpr const char* kSecretHash = "$2b$10$9YKV3vStbc8GNlHy/SkpKOvmJbpjPpSugK9w3KQeDeGe6lrrgwsHS";

class WebConfigFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ipc_webconfig_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    std::ofstream(dir_ / "server.crt") << "not checked here";
    std::ofstream(dir_ / "server.key") << "not checked here";
    std::ofstream(dir_ / "ca.crt") << "not checked here";
  }
  void TearDown() override { fs::remove_all(dir_); }
  WebConfig Parse(const std::string& yaml) {
    return ParseWebConfig(yaml, (dir_ / "web.yml").string());
  }
  std::string ErrorOf(const std::string& yaml) {
    try {
      Parse(yaml);
    } catch (const WebConfigError& error) {
      return error.what();
    }
    return "";
  }
  fs::path dir_;
};

TEST_F(WebConfigFiles, ReadsExporterToolkitFormat) {
  WebConfig config = Parse(std::string(R"(
tls_server_config:
  cert_file: server.crt
  key_file: server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.crt
  min_version: TLS13
http_server_config:
  headers:
    X-Frame-Options: deny
    Strict-Transport-Security: max-age=31536000
basic_auth_users:
  alice: ")") + kSecretHash +
                           "\"\n");
  ASSERT_TRUE(config.tls.has_value());
  EXPECT_EQ(config.tls->cert_file, (dir_ / "server.crt").string());  // relative to the file
  EXPECT_EQ(config.tls->client_auth_type, "RequireAndVerifyClientCert");
  EXPECT_EQ(config.tls->min_version, "TLS13");
  EXPECT_EQ(config.headers.size(), 2u);
  EXPECT_EQ(config.basic_auth_users.at("alice"), kSecretHash);
}

// exporter-toolkit's TLS keys: Go's suite and curve names become OpenSSL's, in order.
TEST_F(WebConfigFiles, TlsVersionsSuitesAndCurves) {
  WebConfig config = Parse(R"(
tls_server_config:
  cert_file: server.crt
  key_file: server.key
  max_version: TLS12
  cipher_suites:
    - TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
    - TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
  curve_preferences: [X25519, CurveP384]
  prefer_server_cipher_suites: false
)");
  ASSERT_TRUE(config.tls.has_value());
  EXPECT_EQ(config.tls->min_version, "TLS12");
  EXPECT_EQ(config.tls->max_version, "TLS12");
  EXPECT_EQ(config.tls->cipher_suites, (std::vector<std::string>{"ECDHE-RSA-CHACHA20-POLY1305",
                                                                 "ECDHE-ECDSA-AES256-GCM-SHA384"}));
  EXPECT_EQ(config.tls->curves, (std::vector<std::string>{"X25519", "P-384"}));
  EXPECT_FALSE(config.tls->prefer_server_cipher_suites);
}

// Without cipher_suites, TLS 1.2 gets only suites with forward secrecy and AEAD.
TEST_F(WebConfigFiles, DefaultSuitesAreForwardSecretAead) {
  WebConfig config = Parse("tls_server_config: {cert_file: server.crt, key_file: server.key}");
  ASSERT_TRUE(config.tls.has_value());
  EXPECT_EQ(config.tls->max_version, "TLS13");
  EXPECT_TRUE(config.tls->prefer_server_cipher_suites);
  ASSERT_EQ(config.tls->cipher_suites.size(), 6u);
  for (const std::string& suite : config.tls->cipher_suites) {
    EXPECT_EQ(suite.rfind("ECDHE-", 0), 0u) << suite;
    EXPECT_TRUE(suite.find("-GCM-") != std::string::npos ||
                suite.find("CHACHA20-POLY1305") != std::string::npos)
        << suite;
  }
}

// A FIFO would block start-up or a reload for good: refused at once, named.
TEST_F(WebConfigFiles, FifosAreRefusedNotWaitedFor) {
  const std::string fifo = (dir_ / "fifo.yml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  try {
    LoadWebConfig(fifo);
    ADD_FAILURE() << "a FIFO was read as a web config";
  } catch (const WebConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("not a regular file"), std::string::npos)
        << error.what();
  }
  ASSERT_EQ(::mkfifo((dir_ / "fifo.crt").c_str(), 0600), 0);
  EXPECT_NE(ErrorOf("tls_server_config: {cert_file: fifo.crt, key_file: server.key}")
                .find("is not a regular file"),
            std::string::npos);
}

TEST(OpenSslCipherName, Table) {
  EXPECT_EQ(OpenSslCipherName("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            "ECDHE-RSA-AES128-GCM-SHA256");
  EXPECT_EQ(OpenSslCipherName("TLS_RSA_WITH_AES_128_CBC_SHA"), "AES128-SHA");
  EXPECT_EQ(OpenSslCipherName("TLS_AES_128_GCM_SHA256"), "");       // TLS 1.3: not configurable
  EXPECT_EQ(OpenSslCipherName("ECDHE-RSA-AES128-GCM-SHA256"), "");  // OpenSSL's own names
  EXPECT_EQ(OpenSslCipherName(""), "");
}

TEST_F(WebConfigFiles, EmptyFileAsksForNothing) {
  WebConfig config = Parse("");
  EXPECT_FALSE(config.tls.has_value());
  EXPECT_TRUE(config.basic_auth_users.empty());
}

TEST_F(WebConfigFiles, ProblemsAreNamed) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"tls_server_config: {cert_file: server.crt}", "needs both cert_file and key_file"},
      {"tls_server_config: {cert_file: missing.crt, key_file: server.key}",
       "cert_file \"" + (dir_ / "missing.crt").string() + "\" cannot be read"},
      {"tls_server_config: {cert_file: server.crt, key_file: server.key, min_version: TLS14}",
       "min_version \"TLS14\""},
      {"tls_server_config: {cert_file: server.crt, key_file: server.key, min_version: TLS10}",
       "min_version TLS10 cannot be honoured"},
      {"tls_server_config: {cert_file: server.crt, key_file: server.key, max_version: TLS11}",
       "max_version TLS11 cannot be honoured"},
      {"tls_server_config: {cert_file: server.crt, key_file: server.key, min_version: TLS13, "
       "max_version: TLS12}",
       "min_version TLS13 is above max_version TLS12"},
      {"tls_server_config: {cert_file: server.crt, key_file: server.key, cipher_suites: "
       "[TLS_AES_128_GCM_SHA256]}",
       "\"TLS_AES_128_GCM_SHA256\" is not a TLS 1.2 suite"},
      {"tls_server_config: {cert_file: server.crt, key_file: server.key, cipher_suites: "
       "[TLS_RSA_WITH_RC4_128_SHA]}",
       "\"TLS_RSA_WITH_RC4_128_SHA\" is not a TLS 1.2 suite"},
      {"tls_server_config: {cert_file: server.crt, key_file: server.key, cipher_suites: []}",
       "cipher_suites is an empty list"},
      {"tls_server_config: {cert_file: server.crt, key_file: server.key, cipher_suites: x}",
       "cipher_suites must be a list"},
      {"tls_server_config: {cert_file: server.crt, key_file: server.key, curve_preferences: "
       "[CurveP224]}",
       "\"CurveP224\" is not one of"},
      {"tls_server_config: {cert_file: server.crt, key_file: server.key, "
       "prefer_server_cipher_suites: maybe}",
       "prefer_server_cipher_suites must be true or false"},
      {"tls_server_config: {cert_file: server.crt, key_file: server.key, client_auth_type: Any}",
       "client_auth_type \"Any\""},
      {"tls_server_config: {cert_file: server.crt, key_file: server.key, "
       "client_auth_type: RequireAndVerifyClientCert}",
       "needs client_ca_file"},
      {"basic_auth_users: {alice: plaintext}", "the hash of \"alice\" is not a bcrypt hash"},
      {"basic_auth_users: {alice: \"$2b$10$short\"}", "not a bcrypt hash"},
      {"basic_auth_users: [alice]", "must be a mapping"},
      {"tls_config: {}", "unknown key \"tls_config\""},
      {"http_server_config: {headers: {\"Bad Name\": x}}", "forbidden character"},
      {"tls_server_config: [unclosed", "not valid YAML"},
      {"? [a, b]\n: c\n", "unexpected structure"},  // a key that is a list (found by fuzzing)
      {"- just\n- a list\n", "must be a mapping"},
  };
  for (const auto& [yaml, fragment] : cases) {
    std::string error = ErrorOf(yaml);
    EXPECT_NE(error.find(fragment), std::string::npos) << yaml << " -> " << error;
    EXPECT_NE(error.find("web.yml"), std::string::npos) << error;
  }
}

TEST(WhyReloadIsRefused, NeverTurnsBasicAuthOffSilently) {
  WebConfig with_users;
  with_users.basic_auth_users["alice"] = "$2y$10$x";
  WebConfig without_users;
  EXPECT_NE(WhyReloadIsRefused(with_users, without_users), "");
  EXPECT_EQ(WhyReloadIsRefused(with_users, with_users), "");
  EXPECT_EQ(WhyReloadIsRefused(without_users, with_users), "");  // turning auth on is fine
  EXPECT_EQ(WhyReloadIsRefused(without_users, without_users), "");
}

}  // namespace
}  // namespace ipc_exporter
