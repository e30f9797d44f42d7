// Values of flags that CLI11 cannot check: durations and listen addresses.
#include "exporter/flag_values.h"

#include <gtest/gtest.h>

#include <string>

namespace ipc_exporter {
namespace {

TEST(NormaliseListenAddress, Table) {
  std::string why;
  EXPECT_EQ(NormaliseListenAddress(":9100", &why), "0.0.0.0:9100");
  EXPECT_EQ(NormaliseListenAddress("localhost:0", &why), "127.0.0.1:0");
  EXPECT_EQ(NormaliseListenAddress("10.1.2.3:80", &why), "10.1.2.3:80");
  EXPECT_EQ(NormaliseListenAddress("[::]:9100", &why), std::nullopt);
  EXPECT_NE(why.find("IPv6"), std::string::npos);
  EXPECT_EQ(NormaliseListenAddress("1.2.3.4:", &why), std::nullopt);
  EXPECT_EQ(NormaliseListenAddress("1.2.3.4:12ab", &why), std::nullopt);
}

TEST(ParseDurationSeconds, Table) {
  EXPECT_EQ(ParseDurationSeconds("90s"), 90);
  EXPECT_EQ(ParseDurationSeconds("5m"), 300);
  EXPECT_EQ(ParseDurationSeconds("1h30m"), 5400);
  EXPECT_EQ(ParseDurationSeconds("2d"), 172800);
  EXPECT_EQ(ParseDurationSeconds("0s"), 0);
  for (const char* bad : {"", "5", "m", "5x", "-5m", "1.5h", "5m3", "99999999999999999999d"}) {
    EXPECT_EQ(ParseDurationSeconds(bad), std::nullopt) << bad;
  }
}

// Each term fits on its own, their sum does not: found by http_inputs_fuzz (signed overflow).
TEST(ParseDurationSeconds, RejectsASumThatOverflows) {
  const std::string term = std::to_string(INT64_MAX / 3600) + "h";  // 2562047788015h
  EXPECT_EQ(ParseDurationSeconds(term), (INT64_MAX / 3600) * 3600);
  EXPECT_EQ(ParseDurationSeconds(term + term), std::nullopt);
  EXPECT_EQ(ParseDurationSeconds(term + "3600s"), std::nullopt);
  EXPECT_EQ(ParseDurationSeconds(std::to_string(INT64_MAX) + "s"), INT64_MAX);
  EXPECT_EQ(ParseDurationSeconds(std::to_string(INT64_MAX) + "s1s"), std::nullopt);
}

}  // namespace
}  // namespace ipc_exporter
