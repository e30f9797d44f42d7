#include "exporter/http_encoding.h"

#include <gtest/gtest.h>

#include "http_client.h"

namespace ipc_exporter {
namespace {

TEST(AcceptsGzip, Table) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"gzip", true},
      {"GZIP", true},
      {"gzip, deflate", true},
      {"deflate, gzip;q=0.5", true},
      {"identity", false},
      {"", false},
      {"gzip;q=0", false},
      {"gzip; q=0.0", false},
      {"*", true},
      {"*;q=0", false},
      {"*, gzip;q=0", false},
      {"x-gzip", true},
      {"gzip;q=garbage", false},
      {"gzipped", false},
      {",,,;;;", false},
  };
  for (const auto& [header, expected] : cases) {
    EXPECT_EQ(AcceptsGzip(header), expected) << "Accept-Encoding: " << header;
  }
}

TEST(GzipCompress, RoundTripsAtEveryLevel) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "ipc_sem_value{semid=\"" + std::to_string(i) + "\"} 1\n";
  for (int level = 1; level <= 9; ++level) {
    std::string compressed = GzipCompress(text, level);
    EXPECT_LT(compressed.size(), text.size() / 4);
    EXPECT_EQ(testing::Gunzip(compressed), text) << "level " << level;
  }
  EXPECT_EQ(testing::Gunzip(GzipCompress("", 1)), "");
}

TEST(GzipCompress, PartsInflateToTheirConcatenation) {
  std::vector<std::string> parts = {"first part\n", "", std::string(300000, 'x'), "last\n"};
  std::string out = "stale content that must be replaced";
  GzipCompress(parts, 1, &out);
  EXPECT_EQ(testing::Gunzip(out), parts[0] + parts[2] + parts[3]);
  GzipCompress(std::vector<std::string>{}, 1, &out);
  EXPECT_EQ(testing::Gunzip(out), "");
}

}  // namespace
}  // namespace ipc_exporter
