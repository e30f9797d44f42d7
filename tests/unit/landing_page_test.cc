#include "landing_page.h"

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
  EXPECT_EQ(page.find("<script>"), std::string::npos);
  EXPECT_NE(page.find("not scraped yet"), std::string::npos);
  EXPECT_NE(page.find("class=\"failed\""), std::string::npos);
}

}  // namespace
}  // namespace ipc_exporter
