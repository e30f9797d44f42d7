// The whole collector output for each fixture tree, compared with a reviewed golden file.
// Regenerate on purpose only: UPDATE_GOLDEN=1 ctest -R Golden, then review the diff like code.
#include <gtest/gtest.h>
#include <prometheus/check_names.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "collectors/collector.h"
#include "exposition.h"
#include "fakes.h"
#include "scrape/collector_table.h"
#include "scrape/scraper.h"

namespace ipc_exporter {
namespace {

/// The whole /metrics body a scrape of the fixture tree gives: every collector, the exporter's
/// own families and the process_* families, as the HTTP server would send it.
std::string ScrapeBody(const std::string& fixture) {
  ProcFs proc(testing::FixtureProc(fixture));
  testing::FakeIpcSyscalls syscalls = testing::FixtureSyscalls(fixture);
  testing::FakeAccountNames names;
  CollectorSettings settings;
  settings.shm_attachers = true;  // the golden files cover the opt-in family too
  CollectorSet set{{}, testing::FixtureContext(proc, syscalls, names, settings)};
  for (const CollectorInfo& info : AllCollectors()) {
    // What a default exporter runs; the opt-in tracing reads no fixture (activity_collector_test).
    if (info.enabled_by_default) set.members.push_back({std::string(info.name), info.create});
  }
  Scraper scraper(std::move(set), /*process_metrics=*/true);
  return scraper.Scrape()->Joined();
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, OutputMatchesGoldenFile) {
  const std::string fixture = GetParam();
  const std::string path = std::string(IPC_TEST_SOURCE_DIR) + "/golden/" + fixture + ".prom";
  std::string actual = testing::MaskRunDependentValues(ScrapeBody(fixture));
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path) << actual;
    GTEST_SKIP() << "rewrote " << path << "; review the diff";
  }
  std::ifstream file(path);
  ASSERT_TRUE(file.good()) << "no golden file " << path << " (UPDATE_GOLDEN=1 writes it)";
  std::stringstream expected;
  expected << file.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "output of fixture " << fixture << " changed";
}

TEST_P(Golden, NamesAreValidAndHelpIsASentence) {
  std::string text = ScrapeBody(GetParam());
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("# HELP ", 0) == 0) {
      EXPECT_EQ(line.back(), '.') << line;
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(prometheus::CheckMetricName(name)) << name;
      EXPECT_TRUE(name.rfind("ipc_", 0) == 0 || name.rfind("process_", 0) == 0) << name;
    }
  }
  for (const testing::ParsedSample& sample : testing::ParseExposition(text)) {
    for (const auto& [label, value] : sample.labels) {
      EXPECT_TRUE(prometheus::CheckLabelName(label)) << label;
      EXPECT_NE(label, "owner");
      EXPECT_NE(label, "instance");
      EXPECT_NE(label, "job");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Golden, ::testing::Values("normal", "empty", "old_kernel"));

}  // namespace
}  // namespace ipc_exporter
