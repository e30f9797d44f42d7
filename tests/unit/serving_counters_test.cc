// The serving side's counters as the scraper publishes them.
#include "scrape/serving_counters.h"

#include <gtest/gtest.h>

#include "exposition.h"

namespace ipc_exporter {
namespace {

TEST(ServingCounters, EveryCounterIsPublishedWithItsCount) {
  ServingCounters counters;
  counters.responses_200 = 5;
  counters.responses_500 = 1;
  counters.responses_503 = 2;
  counters.responses_429 = 3;
  counters.connections_refused = 7;
  counters.accept_failures = 11;
  counters.auth_busy_refusals = 13;
  std::string text;
  ExpositionWriter out(&text);
  counters.Write(out);
  const std::vector<testing::ParsedSample> s = testing::ParseExposition(text);
  using testing::FindSample;
  EXPECT_EQ(FindSample(s, "ipc_exporter_scrape_requests_total", {{"code", "200"}}), "5");
  EXPECT_EQ(FindSample(s, "ipc_exporter_scrape_requests_total", {{"code", "500"}}), "1");
  EXPECT_EQ(FindSample(s, "ipc_exporter_scrape_requests_total", {{"code", "503"}}), "2");
  EXPECT_EQ(FindSample(s, "ipc_exporter_scrape_requests_total", {{"code", "429"}}), "3");
  EXPECT_EQ(FindSample(s, "ipc_exporter_connections_refused_total"), "7");
  EXPECT_EQ(FindSample(s, "ipc_exporter_accept_failures_total"), "11");
  EXPECT_EQ(FindSample(s, "ipc_exporter_auth_busy_refusals_total"), "13");
  EXPECT_NE(text.find("# TYPE ipc_exporter_accept_failures_total counter\n"), std::string::npos);
}

}  // namespace
}  // namespace ipc_exporter
