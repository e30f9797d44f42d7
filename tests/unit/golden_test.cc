// The whole collector output for each fixture tree, compared with a reviewed golden file.
// Regenerate on purpose only: UPDATE_GOLDEN=1 ctest -R Golden, then review the diff like code.
#include <gtest/gtest.h>
#include <prometheus/check_names.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "collector.h"
#include "exposition.h"
#include "fakes.h"

namespace ipc_exporter {
namespace {

std::string CollectAll(const std::string& fixture) {
  ProcFs proc(testing::FixtureProc(fixture));
  testing::FakeIpcSyscalls syscalls = testing::FixtureSyscalls(fixture);
  testing::FakeAccountNames names;
  CollectorSettings settings;
  settings.shm_attachers = true;  // the golden files cover the opt-in family too
  CollectorContext context = testing::FixtureContext(proc, syscalls, names, settings);
  std::string text;
  for (const CollectorInfo& info : AllCollectors()) {
    // The SysV collectors, whose whole input is the fixture tree and the fakes. (posix_sem reads
    // file owners from the checkout, which differ between users: its own test asserts its values.)
    if (info.name.rfind("posix_", 0) == 0) continue;
    ExpositionWriter writer(&text);
    CollectReport report;
    info.create(context)->Collect(writer, report);
    EXPECT_TRUE(report.errors.empty()) << fixture << ": " << report.errors.front();
  }
  return text;
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, OutputMatchesGoldenFile) {
  const std::string fixture = GetParam();
  const std::string path = std::string(IPC_TEST_SOURCE_DIR) + "/golden/" + fixture + ".prom";
  std::string actual = CollectAll(fixture);
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
  std::string text = CollectAll(GetParam());
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("# HELP ", 0) == 0) {
      EXPECT_EQ(line.back(), '.') << line;
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(prometheus::CheckMetricName(name)) << name;
      EXPECT_EQ(name.rfind("ipc_", 0), 0u) << name;
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
