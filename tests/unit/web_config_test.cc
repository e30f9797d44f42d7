#include "web_config.h"

#include <crypt.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "basic_auth.h"

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

TEST(DecodeBase64, Table) {
  std::string out;
  EXPECT_TRUE(DecodeBase64("YWxpY2U6c2VjcmV0", &out));
  EXPECT_EQ(out, "alice:secret");
  EXPECT_TRUE(DecodeBase64("YQ==", &out));
  EXPECT_EQ(out, "a");
  EXPECT_TRUE(DecodeBase64("YWI=", &out));
  EXPECT_EQ(out, "ab");
  EXPECT_TRUE(DecodeBase64("", &out));
  EXPECT_EQ(out, "");
  for (const char* bad : {"YWxpY2U", "YW=i", "====", "YQ=a", "Y!==", "YWxp\nY2U="}) {
    EXPECT_FALSE(DecodeBase64(bad, &out)) << bad;
  }
}

TEST(BasicAuthenticator, ChecksPasswordsAndCachesWhatVerified) {
  BasicAuthenticator auth(std::map<std::string, std::string>{{"alice", kSecretHash}});
  EXPECT_TRUE(auth.enabled());
  EXPECT_FALSE(auth.Allows(nullptr));
  EXPECT_FALSE(auth.Allows("Bearer abc"));
  EXPECT_FALSE(auth.Allows("Basic !!!"));
  EXPECT_FALSE(auth.Allows("Basic YWxpY2U="));          // "alice" without a colon
  EXPECT_FALSE(auth.Allows("Basic YWxpY2U6d3Jvbmc="));  // alice:wrong
  EXPECT_FALSE(auth.Allows("Basic Ym9iOnNlY3JldA=="));  // bob:secret, no such user
  const uint64_t runs_before = auth.bcrypt_runs();
  EXPECT_EQ(runs_before, 2u);                          // the unknown user costs a bcrypt run too
  EXPECT_TRUE(auth.Allows("Basic YWxpY2U6c2VjcmV0"));  // alice:secret
  EXPECT_TRUE(auth.Allows("basic YWxpY2U6c2VjcmV0"));  // the scheme is case-insensitive
  EXPECT_EQ(auth.bcrypt_runs(), runs_before + 1) << "the second check must come from the cache";
  EXPECT_FALSE(BasicAuthenticator(std::map<std::string, std::string>{}).enabled());
}

TEST(ConstantTimeEquals, Table) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
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

TEST(BasicAuthenticator, UnknownUsersCostWhatTheConfiguredHashesCost) {
  EXPECT_EQ(BcryptCost("$2y$05$abc"), 5);
  EXPECT_EQ(BcryptCost("$2b$12$abc"), 12);
  EXPECT_EQ(BcryptCost("$1$md5"), std::nullopt);
  EXPECT_EQ(BcryptCost("$2y$1x$abc"), std::nullopt);
  for (int cost : {4, 5, 10, 12}) {
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    const char random[16] = "0123456789abcde";
    ASSERT_NE(crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), random, sizeof(random),
                               setting, sizeof(setting)),
              nullptr);
    crypt_data data{};
    const std::string hash = crypt_r("secret", setting, &data);
    BasicAuthenticator auth(std::map<std::string, std::string>{{"alice", hash}});
    EXPECT_EQ(BcryptCost(auth.dummy_hash()), cost) << hash;
    const uint64_t runs = auth.bcrypt_runs();
    const std::string unknown = "Basic " + std::string("Ym9iOnNlY3JldA==");  // bob:secret
    EXPECT_FALSE(auth.Allows(unknown.c_str()));
    EXPECT_EQ(auth.bcrypt_runs(), runs + 1) << "an unknown user must cost a bcrypt run";
  }
}

}  // namespace
}  // namespace ipc_exporter
