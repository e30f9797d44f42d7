#include "base/logging.h"

#include <gtest/gtest.h>

namespace ipc_exporter {
namespace {

TEST(FormatLogLine, LogfmtQuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(FormatLogLine(LogFormat::kLogfmt, "T", LogLevel::kInfo, "listening",
                          {{"address", "127.0.0.1:80"}, {"empty", ""}}),
            "ts=T level=info msg=listening address=127.0.0.1:80 empty=\"\"");
  EXPECT_EQ(FormatLogLine(LogFormat::kLogfmt, "T", LogLevel::kError, "collector failed",
                          {{"err", "bad \"x\"=1\nnext"}}),
            "ts=T level=error msg=\"collector failed\" err=\"bad \\\"x\\\"=1\\nnext\"");
}

TEST(FormatLogLine, JsonEscapesEverything) {
  EXPECT_EQ(FormatLogLine(LogFormat::kJson, "T", LogLevel::kWarn, "a\"b",
                          {{"k", std::string_view("\\\n\x01", 3)}}),
            "{\"ts\":\"T\",\"level\":\"warn\",\"msg\":\"a\\\"b\",\"k\":\"\\\\\\n\\u0001\"}");
}

}  // namespace
}  // namespace ipc_exporter
