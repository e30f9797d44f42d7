// The text helpers of the pages: escaping, durations, sizes and keys.
#include "exporter/html_text.h"

#include <gtest/gtest.h>

namespace ipc_exporter {
namespace {

TEST(HtmlText, EscapesEverythingMarkupCouldUse) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("plain"), "plain");
}

TEST(HtmlText, DurationsSizesAndKeys) {
  EXPECT_EQ(HumanDuration(-5), "0s");
  EXPECT_EQ(HumanDuration(42), "42s");
  EXPECT_EQ(HumanDuration(302), "5m 2s");
  EXPECT_EQ(HumanDuration(7500), "2h 5m");
  EXPECT_EQ(HumanDuration(273600), "3d 4h");
  EXPECT_EQ(FormatBytes(100), "100 B");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatBytes(16.0 * 1024 * 1024), "16.0 MiB");
  EXPECT_EQ(FormatKey(0), "0x00000000");
  EXPECT_EQ(FormatKey(0xdeadbeef), "0xdeadbeef");
}

}  // namespace
}  // namespace ipc_exporter

namespace ipc_exporter {
namespace {

TEST(HtmlText, ProblemNamesAreWhatThePageSays) {
  EXPECT_EQ(ProblemName(Problem::kOrphanedSegment), "orphaned segment");
  EXPECT_EQ(ProblemName(Problem::kOrphanedSegment, /*posix_shared_memory=*/true),
            "orphaned object");
  EXPECT_EQ(ProblemName(Problem::kStuckSemaphore), "stuck semaphore");
  EXPECT_EQ(ProblemName(Problem::kStalledQueue), "stalled queue");
}

}  // namespace
}  // namespace ipc_exporter
