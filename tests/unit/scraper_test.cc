#include "scraper.h"

#include <gtest/gtest.h>

#include <ctime>

#include "exposition.h"

namespace ipc_exporter {
namespace {

/// Writes one family, then either finishes, reports a problem, or throws half-way.
class ScriptedCollector final : public Collector {
 public:
  enum class Mode { kOk, kSoftError, kThrow };
  ScriptedCollector(std::string family, Mode mode) : family_(std::move(family)), mode_(mode) {}

  void Collect(ExpositionWriter& out, CollectReport& report) override {
    out.Family(family_, "Scripted.");
    out.Sample({}, uint64_t{7});
    report.attention.push_back({"orphaned segment", "0x00000000", family_, "", "", 1, "", 0});
    if (mode_ == Mode::kSoftError) report.errors.push_back("one row was malformed");
    if (mode_ == Mode::kThrow) throw std::runtime_error("table unreadable");
  }

 private:
  std::string family_;
  Mode mode_;
};

TEST(Scraper, FailedCollectorLeavesNothingAndIsReported) {
  std::vector<Scraper::NamedCollector> collectors;
  collectors.push_back(
      {"good", std::make_unique<ScriptedCollector>("good_metric", ScriptedCollector::Mode::kOk)});
  collectors.push_back({"broken", std::make_unique<ScriptedCollector>(
                                      "broken_metric", ScriptedCollector::Mode::kThrow)});
  collectors.push_back({"partial", std::make_unique<ScriptedCollector>(
                                       "partial_metric", ScriptedCollector::Mode::kSoftError)});
  Scraper scraper(std::move(collectors), /*process_metrics=*/false);
  std::string body = scraper.Scrape();
  auto samples = testing::ParseExposition(body);

  EXPECT_EQ(testing::FindSample(samples, "good_metric"), "7");
  EXPECT_EQ(body.find("broken_metric"), std::string::npos);  // rolled back entirely
  EXPECT_EQ(testing::FindSample(samples, "partial_metric"), "7");
  EXPECT_EQ(testing::FindSample(samples, "ipc_exporter_collector_success", {{"collector", "good"}}),
            "1");
  EXPECT_EQ(
      testing::FindSample(samples, "ipc_exporter_collector_success", {{"collector", "broken"}}),
      "0");
  EXPECT_EQ(
      testing::FindSample(samples, "ipc_exporter_collector_success", {{"collector", "partial"}}),
      "0");
  EXPECT_EQ(testing::FindSamples(samples, "ipc_exporter_collector_duration_seconds").size(), 3u);
  EXPECT_EQ(testing::FindSamples(samples, "ipc_exporter_build_info").size(), 1u);
  EXPECT_EQ(body.find("process_"), std::string::npos);

  // The thrown-away collector's findings are thrown away with its samples.
  std::vector<AttentionItem> attention = scraper.Findings().attention;
  ASSERT_EQ(attention.size(), 2u);
  EXPECT_EQ(attention[0].id, "good_metric");
  EXPECT_EQ(attention[1].id, "partial_metric");

  std::vector<CollectorStatus> statuses = scraper.Statuses();
  ASSERT_EQ(statuses.size(), 3u);
  EXPECT_TRUE(statuses[0].success);
  EXPECT_FALSE(statuses[1].success);
  EXPECT_EQ(statuses[1].error, "table unreadable");
  EXPECT_EQ(statuses[2].error, "one row was malformed");
}

TEST(Scraper, ProcessMetricsDescribeThisProcess) {
  // Spend at least 50 ms of CPU first, so that the CPU counter has something to show.
  const std::clock_t start = std::clock();
  volatile uint64_t sink = 0;
  while (std::clock() - start < CLOCKS_PER_SEC / 20) sink = sink + 1;
  Scraper scraper({}, /*process_metrics=*/true);
  auto samples = testing::ParseExposition(scraper.Scrape());
  for (const char* name : {"process_cpu_seconds_total", "process_max_fds", "process_open_fds",
                           "process_resident_memory_bytes", "process_start_time_seconds",
                           "process_virtual_memory_bytes"}) {
    std::optional<std::string> value = testing::FindSample(samples, name);
    ASSERT_TRUE(value.has_value()) << name;
    EXPECT_GT(std::stod(*value), 0) << name;
  }
}

}  // namespace
}  // namespace ipc_exporter
