#include "exporter/landing_page.h"

#include <gtest/gtest.h>

namespace ipc_exporter {
namespace {

TEST(LandingPage, LinksMetricsAndEscapesCollectorErrors) {
  CollectorStatus failed;
  failed.name = "shm";
  failed.scraped = true;
  failed.error = "<script>alert(1)</script> & more";
  CollectorStatus pending;
  pending.name = "sem";
  std::string page = RenderLandingPage("/metrics", {failed, pending}, {});
  EXPECT_NE(page.find("<a href=\"/metrics\">"), std::string::npos);
  EXPECT_NE(page.find("POSIX shared memory, named semaphores and message queues"),
            std::string::npos);  // not "System V" only
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"), std::string::npos);
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  // The one script is the page's own, inline: nothing is fetched.
  EXPECT_EQ(page.find("<script src"), std::string::npos);
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_NE(page.find("not scraped yet"), std::string::npos);
  EXPECT_NE(page.find("class=\"failed\""), std::string::npos);
}

TEST(LandingPage, WordsAndFormatsTheFindings) {
  AttentionItem segment;
  segment.problem = Problem::kOrphanedSegment;
  segment.key = 0xdeadbeef;
  segment.id = 32769;
  segment.owner = "<b>alice</b>";
  segment.bytes = 16u << 20;
  segment.pid = 2001;
  segment.command = "<script>x</script>";
  segment.idle_seconds = 3600;
  AttentionItem semaphore;
  semaphore.problem = Problem::kStuckSemaphore;
  semaphore.id = 7;
  semaphore.semaphore = 1;
  semaphore.waiters = 2;
  semaphore.ipc_namespace = 4026532000;
  AttentionItem queue;
  queue.problem = Problem::kStalledQueue;
  queue.key = 0x10;
  queue.id = 98307;
  queue.messages = 3;
  queue.bytes = 1536;
  LimitUsage limit{"Message queues (kernel.msgmni)", 16, 32000, false, 4026532000};
  const std::string page =
      RenderLandingPage("/metrics", {}, ScrapeFindings{{segment, semaphore, queue}, {limit}, {}});
  for (const char* shown :
       {"<td class=\"failed\">orphaned segment</td><td>0xdeadbeef</td><td>32769</td>"
        "<td>&lt;b&gt;alice&lt;/b&gt;</td><td>16.0 MiB</td><td class=\"num\">2001</td>"
        "<td>&lt;script&gt;x&lt;/script&gt;</td><td>1h 0m</td>",
        "stuck semaphore (ipc namespace 4026532000)</td><td>0x00000000</td><td>7/1</td>",
        "<td>value 0, 2 waiting</td>", "<td>0x00000010</td><td>98307</td>",
        "<td>3 messages, 1.5 KiB</td>",
        "Message queues (kernel.msgmni) in ipc namespace 4026532000"}) {
    EXPECT_NE(page.find(shown), std::string::npos) << shown;
  }
  EXPECT_EQ(page.find("<script>x"), std::string::npos);
}

}  // namespace
}  // namespace ipc_exporter
