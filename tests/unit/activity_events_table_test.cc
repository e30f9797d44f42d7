// The landing page's lifecycle events: one sentence per event, newest first, escaped.
#include "exporter/activity_events_table.h"

#include <gtest/gtest.h>

namespace ipc_exporter {
namespace {

ActivityEvent Removal(int32_t id, const std::string& command) {
  ActivityEvent event;
  event.unix_time_ns = 1'794'996'131'000'000'000;  // 2026-11-18 10:02:11 UTC
  event.kind = ACTIVITY_SHM;
  event.type = ACTIVITY_REMOVED;
  event.id = id;
  event.key = 0xabcd;
  event.pid = 4711;
  event.uid = 0;
  event.command = command;
  event.parent_command = "bash";
  event.parent_pid = 4700;
  event.cgroup = "docker-0123abcd.scope";
  event.ipc_namespace = 4026531839;
  return event;
}

TEST(ActivityEventsTable, SaysWhatHappenedToWhichObjectByWhom) {
  const std::string html = RenderActivityEvents({Removal(123, "ipcrm")}, 10);
  EXPECT_NE(html.find("<td>2026-11-18 10:02:11</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("segment 123, key 0x0000abcd, removed at 10:02:11 by ipcrm (pid 4711, "
                      "uid 0)"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td>bash (pid 4700)</td><td>docker-0123abcd.scope</td>"),
            std::string::npos)
      << html;
}

TEST(ActivityEventsTable, NewestFirstAndNoMoreThanAsked) {
  const std::string html =
      RenderActivityEvents({Removal(1, "first"), Removal(2, "second"), Removal(3, "third")}, 2);
  const size_t third = html.find("by third");
  const size_t second = html.find("by second");
  ASSERT_NE(third, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(third, second);
  EXPECT_EQ(html.find("by first"), std::string::npos);
  EXPECT_NE(html.find("1 older events kept are not shown"), std::string::npos);
}

TEST(ActivityEventsTable, CommandsAreTextNotMarkup) {
  const std::string html = RenderActivityEvents({Removal(1, "<script>x")}, 10);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;x"), std::string::npos);
}

TEST(ActivityEventsTable, NoEventsSaysSo) {
  EXPECT_NE(RenderActivityEvents({}, 10).find("No object was created"), std::string::npos);
}

}  // namespace
}  // namespace ipc_exporter
