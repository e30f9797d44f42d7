// BasicAuthenticator and its pure helpers: base64, constant-time comparison, bcrypt costs, the
// cache of verified credentials and the limit on concurrent bcrypt runs.
#include "exporter/basic_auth.h"

#include <crypt.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace ipc_exporter {
namespace {

// bcrypt (cost 10) of "secret".
constexpr const char* kSecretHash = "$2b$10$9YKV3vStbc8GNlHy/SkpKOvmJbpjPpSugK9w3KQeDeGe6lrrgwsHS";
constexpr const char* kAliceSecret = "Basic YWxpY2U6c2VjcmV0";

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

TEST(BasicAuthenticator, PasswordsWithNulAreDenied) {
  BasicAuthenticator auth(std::map<std::string, std::string>{{"alice", kSecretHash}});
  // "alice:secret\0junk": bcrypt would read "secret" and match.
  EXPECT_EQ(auth.Check("Basic YWxpY2U6c2VjcmV0AGp1bms="), AuthResult::kDenied);
  EXPECT_EQ(auth.Check(kAliceSecret), AuthResult::kAllowed);
}

// 8 clients with made-up users at once against one bcrypt slot: most are answered kBusy at
// once, no more than one hash runs at a time, and the cached credential passes throughout.
TEST(BasicAuthenticator, FloodsOfUncachedCredentialsAreRefusedBusyButCachedOnesPass) {
  BasicAuthenticator auth(std::map<std::string, std::string>{{"alice", kSecretHash}},
                          /*max_concurrent_hashes=*/1);
  EXPECT_EQ(auth.max_concurrent_hashes(), 1u);
  ASSERT_EQ(auth.Check(kAliceSecret), AuthResult::kAllowed);  // now cached
  constexpr int kClients = 8;
  constexpr int kTriesEach = 10;
  std::atomic<int> denied{0};
  std::atomic<int> busy{0};
  std::atomic<bool> flooding{true};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&] {
      for (int j = 0; j < kTriesEach; ++j) {
        AuthResult result = auth.Check("Basic Ym9iOnNlY3JldA==");  // bob:secret, no such user
        (result == AuthResult::kBusy ? busy : denied)++;
        EXPECT_NE(result, AuthResult::kAllowed);
      }
    });
  }
  int cached_checks = 0;
  std::thread cached([&] {
    while (flooding) {
      EXPECT_EQ(auth.Check(kAliceSecret), AuthResult::kAllowed);
      ++cached_checks;
      std::this_thread::yield();
    }
  });
  for (std::thread& client : clients) client.join();
  flooding = false;
  cached.join();
  EXPECT_GT(cached_checks, 0);
  EXPECT_EQ(denied + busy, kClients * kTriesEach);
  EXPECT_GT(busy.load(), 0) << "eight clients never found the one slot taken";
  EXPECT_EQ(auth.busy_refusals(), static_cast<uint64_t>(busy.load()));
  // One run for alice's first check, one per denial: busy ones never ran bcrypt.
  EXPECT_EQ(auth.bcrypt_runs(), 1u + static_cast<uint64_t>(denied.load()));
}

TEST(BasicAuthenticator, DefaultLimitIsHalfTheCpusAtLeastOne) {
  BasicAuthenticator auth(std::map<std::string, std::string>{{"alice", kSecretHash}});
  EXPECT_EQ(auth.max_concurrent_hashes(), std::max(1u, std::thread::hardware_concurrency() / 2));
}

}  // namespace
}  // namespace ipc_exporter
