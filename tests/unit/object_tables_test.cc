// The tables of every object: one row per object in the table of its kind, values formatted,
// problems marked for the filter, the safe next step, and everything from outside escaped.
#include "exporter/object_tables.h"

#include <gtest/gtest.h>

namespace ipc_exporter {
namespace {

constexpr int64_t kNow = 1800000000;

/// The HTML of the table with this id.
std::string TableOf(const std::string& html, const std::string& id) {
  const size_t begin = html.find("<table class=\"objects\" id=\"" + id + "\">");
  if (begin == std::string::npos) return "";
  return html.substr(begin, html.find("</table>\n", begin) - begin);
}

size_t Count(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

std::vector<ObjectRow> Scenario() {
  std::vector<ObjectRow> rows(6);
  rows[0].kind = ObjectKind::kShmSegment;
  rows[0].key = 0x2a;
  rows[0].id = 32769;
  rows[0].owner = "postgres";
  rows[0].mode = 0600;
  rows[0].bytes = 65536;
  rows[0].creator = {4711, "leaker", Liveness::kDead};
  rows[0].changed = kNow - 90;
  rows[0].problem = Problem::kOrphanedSegment;
  rows[1].kind = ObjectKind::kSemArray;
  rows[1].id = 7;
  rows[1].count = 2;
  rows[1].semaphores = {{1, 0, {100, "", Liveness::kAlive}},
                        {0, 3, {200, "gone", Liveness::kDead}}};
  rows[1].problem = Problem::kStuckSemaphore;
  rows[1].ipc_namespace = 4026532000;
  rows[1].namespace_pid = 321;
  rows[1].container = "abc123";
  rows[2].kind = ObjectKind::kMsgQueue;
  rows[2].id = 98307;
  rows[2].count = 3;
  rows[2].bytes = 4096;
  rows[2].capacity_bytes = 16384;
  rows[2].sender = {500, "producer", Liveness::kAlive};
  rows[2].last = {501, "consumer", Liveness::kDead};
  rows[2].problem = Problem::kStalledQueue;
  rows[3].kind = ObjectKind::kPosixShm;
  rows[3].name = "/<script>alert(1)</script>";
  rows[3].bytes = 100;
  rows[3].problem = Problem::kOrphanedSegment;
  rows[4].kind = ObjectKind::kPosixSemaphore;
  rows[4].name = "/lock";
  rows[4].count = 2;
  rows[4].waiting = 1;
  rows[5].kind = ObjectKind::kPosixQueue;
  rows[5].name = "/jobs";
  rows[5].count = 5;
  return rows;
}

TEST(ObjectTables, EveryObjectOnceInTheTableOfItsKind) {
  const std::string html = RenderObjectTables(Scenario(), kNow);
  for (const char* id : {"shm", "sem", "msg", "posix_shm", "posix_sem", "posix_mqueue"}) {
    EXPECT_EQ(Count(TableOf(html, id), "<tbody>"), 1u) << id;
  }
  const std::string shm = TableOf(html, "shm");
  EXPECT_NE(shm.find("<tr id=\"shm-32769\" data-problem=\"1\"><td>0x0000002a</td><td>32769</td>"
                     "<td>postgres</td><td>0600</td><td data-v=\"65536\">64.0 KiB</td>"),
            std::string::npos)
      << shm;
  EXPECT_NE(shm.find("4711 leaker <span class=\"failed\">(gone)</span>"), std::string::npos);
  EXPECT_NE(shm.find("1m 30s ago"), std::string::npos);
  EXPECT_NE(shm.find("<code class=\"cmd\">ipcrm -m 32769</code>"), std::string::npos);

  const std::string sem = TableOf(html, "sem");
  EXPECT_NE(sem.find("<button class=\"values\" data-s=\"1,0,100;0,3,200,gone\">2 values</button>"),
            std::string::npos)
      << sem;
  EXPECT_NE(sem.find("<td>4026532000 (container abc123)</td>"), std::string::npos);
  EXPECT_NE(sem.find("do not remove it (its waiters would fail with EIDRM)"), std::string::npos);
  EXPECT_EQ(sem.find("ipcrm"), std::string::npos);

  const std::string msg = TableOf(html, "msg");
  EXPECT_NE(msg.find("<td data-v=\"25\">25 %</td>"), std::string::npos) << msg;
  EXPECT_NE(msg.find("500 producer (running)"), std::string::npos);
  EXPECT_NE(msg.find("do not remove it (3 messages would be lost)"), std::string::npos);

  const std::string posix_shm = TableOf(html, "posix_shm");
  EXPECT_NE(posix_shm.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(posix_shm.find("rm /dev/shm/&lt;script&gt;"), std::string::npos);  // escaped too
}

TEST(ObjectTables, NextStepsNeverAdviseRemovingWhatIsInUse) {
  std::vector<ObjectRow> rows = Scenario();
  EXPECT_EQ(NextStep(rows[0]), "ipcrm -m 32769");
  rows[0].ipc_namespace = 4026532000;
  rows[0].namespace_pid = 321;
  EXPECT_EQ(NextStep(rows[0]), "nsenter --target 321 --ipc ipcrm -m 32769");
  rows[0].namespace_pid = 0;
  EXPECT_EQ(NextStep(rows[0]).find("ipcrm"), std::string::npos);
  EXPECT_EQ(NextStep(rows[3]), "rm /dev/shm/<script>alert(1)</script>");  // escaped when shown
  rows[3].problem.reset();
  EXPECT_EQ(NextStep(rows[3]), "");
  EXPECT_EQ(NextStep(rows[4]), "");
}

TEST(ObjectTables, RowsPastTheFiftiethOfATableComeHidden) {
  std::vector<ObjectRow> rows(60);
  for (size_t i = 0; i < rows.size(); ++i) rows[i].id = static_cast<int32_t>(i);
  const std::string html = RenderObjectTables(rows, kNow);
  EXPECT_NE(html.find("<tr id=\"shm-49\">"), std::string::npos);
  EXPECT_NE(html.find("<tr id=\"shm-50\" hidden>"), std::string::npos);
  EXPECT_EQ(Count(html, " hidden>"), 10u);
}

TEST(ObjectTables, NoObjectsGiveEmptyTablesWithTheFilter) {
  const std::string html = RenderObjectTables({}, kNow);
  EXPECT_NE(html.find("<input id=\"filter\""), std::string::npos);
  EXPECT_NE(html.find("System V shared memory segments (0)"), std::string::npos);
  EXPECT_EQ(html.find("<tr data-problem"), std::string::npos);
}

}  // namespace
}  // namespace ipc_exporter
