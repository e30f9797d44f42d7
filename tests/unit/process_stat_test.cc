#include "procfs/process_stat.h"

#include <gtest/gtest.h>

namespace ipc_exporter {
namespace {

// A real line's shape: fields 1-24 and more after.
const char* kStat =
    "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 300 0 0 0 17 5 0 0 20 0 1 0 123456 "
    "10485760 512 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

TEST(ParseProcessStat, ReadsFieldsAfterACommandWithParentheses) {
  std::optional<ProcessStat> stat = ParseProcessStat(kStat);
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->command, "my (odd) cmd");
  EXPECT_EQ(stat->user_ticks, 17u);
  EXPECT_EQ(stat->system_ticks, 5u);
  EXPECT_EQ(stat->start_ticks, 123456u);
  EXPECT_EQ(stat->virtual_bytes, 10485760u);
  EXPECT_EQ(stat->resident_pages, 512u);
}

TEST(ParseProcessStat, RejectsMalformedLines) {
  EXPECT_FALSE(ParseProcessStat(""));
  EXPECT_FALSE(ParseProcessStat("4242 no parens S 1 2 3"));
  EXPECT_FALSE(ParseProcessStat("4242 (cmd) S 1 4242"));  // truncated
  EXPECT_FALSE(ParseProcessStat(
      "4242 (cmd) S 1 4242 4242 0 -1 4194560 300 0 0 0 x 5 0 0 20 0 1 0 123456 10485760 512\n"));
}

TEST(ParseBootTime, FindsBtime) {
  EXPECT_EQ(ParseBootTime("cpu  1 2 3\nbtime 1795000000\nprocesses 9\n"), 1795000000u);
  EXPECT_EQ(ParseBootTime("cpu 1 2 3\n"), std::nullopt);
  EXPECT_EQ(ParseBootTime("btime soon\n"), std::nullopt);
}

}  // namespace
}  // namespace ipc_exporter
