// One collector's run: its text and family index, its namespace label, and a collector that
// throws leaving nothing behind but its error.
#include "scrape/collector_run.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ipc_exporter {
namespace {

class TwoFamilies final : public Collector {
 public:
  explicit TwoFamilies(bool throw_after) : throw_after_(throw_after) {}
  void Collect(ExpositionWriter& out, CollectReport& report) override {
    out.Family("ipc_a", "A.");
    out.Sample({{"id", "1"}}, uint64_t{1});
    out.Family("ipc_b", "B.");
    out.Sample({}, uint64_t{2});
    report.attention.push_back(AttentionItem{});
    report.limits.push_back(LimitUsage{"x", 1, 2, false, 0});
    report.series_dropped = 3;
    report.errors.push_back("one row was malformed");
    if (throw_after_) throw std::runtime_error("table unreadable");
  }

 private:
  bool throw_after_;
};

TEST(CollectorRun, KeepsTextIndexFindingsAndTheFirstError) {
  TwoFamilies collector(false);
  std::string buffer = "left from the last scrape";
  CollectorRun run = RunCollector("two", collector, &buffer, "4026531839");
  EXPECT_EQ(run.text,
            "# HELP ipc_a A.\n# TYPE ipc_a gauge\nipc_a{ipc_namespace=\"4026531839\",id=\"1\"} 1\n"
            "# HELP ipc_b B.\n# TYPE ipc_b gauge\nipc_b{ipc_namespace=\"4026531839\"} 2\n");
  ASSERT_EQ(run.families.size(), 2u);
  EXPECT_EQ(run.families[1].name, "ipc_b");
  EXPECT_EQ(run.text.substr(run.families[1].begin, 15), "# HELP ipc_b B.");
  EXPECT_EQ(run.report.attention.size(), 1u);
  EXPECT_EQ(run.status.name, "two");
  EXPECT_TRUE(run.status.scraped);
  EXPECT_FALSE(run.status.success);  // a soft error: everything else is still there
  EXPECT_EQ(run.status.error, "one row was malformed");
  EXPECT_EQ(run.status.series_dropped, 3u);
  EXPECT_GE(run.status.duration_seconds, 0);
}

TEST(CollectorRun, WithoutANamespaceNoLabelIsAdded) {
  TwoFamilies collector(false);
  std::string buffer;
  CollectorRun run = RunCollector("two", collector, &buffer, "");
  EXPECT_NE(run.text.find("ipc_b 2\n"), std::string::npos) << run.text;
}

TEST(CollectorRun, AThrowingCollectorLeavesOnlyItsError) {
  TwoFamilies collector(true);
  std::string buffer;
  CollectorRun run = RunCollector("two", collector, &buffer, "");
  EXPECT_EQ(run.text, "");
  EXPECT_TRUE(run.families.empty());
  EXPECT_TRUE(run.report.attention.empty());
  EXPECT_TRUE(run.report.limits.empty());
  EXPECT_FALSE(run.status.success);
  EXPECT_EQ(run.status.error, "table unreadable");  // the thrown error comes first
}

}  // namespace
}  // namespace ipc_exporter
