// --collector.NAME.max-series: which objects keep their series, flagged ones first.
#include "exposition/series_cap.h"

#include <gtest/gtest.h>

#include "collect.h"

namespace ipc_exporter {
namespace {

using namespace testing;  // the fixture helpers of tests/support

TEST(SelectWithinCap, Table) {
  // Flagged objects first, then the rest in order; what does not fit is left out whole.
  CapSelection all = SelectWithinCap({5, 5, 5}, {false, false, false}, 100);
  EXPECT_EQ(all.kept, (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(all.dropped_series, 0u);
  CapSelection flagged_first = SelectWithinCap({5, 5, 5}, {false, false, true}, 10);
  EXPECT_EQ(flagged_first.kept, (std::vector<size_t>{0, 2}));
  EXPECT_EQ(flagged_first.dropped_series, 5u);
  CapSelection smaller_fits = SelectWithinCap({4, 50, 3}, {false, false, false}, 10);
  EXPECT_EQ(smaller_fits.kept, (std::vector<size_t>{0, 2}));
  EXPECT_EQ(smaller_fits.dropped_series, 50u);
  CapSelection none = SelectWithinCap({4}, {true}, 3);
  EXPECT_TRUE(none.kept.empty());
  EXPECT_EQ(none.dropped_series, 4u);
}

TEST(SeriesCap, KeepsTheLeakedSegmentAndExactTotals) {
  CollectorSettings settings;
  settings.shm_max_series = 20;  // room for one segment's 15 series
  Collected run = CollectFixture("shm", "normal", settings);
  // 32769 is leaked, so it is kept first; 0 and 65538 (15 series each) and 98307 (13: its
  // creator and so its application are unknown, so no _alive series) are left out.
  EXPECT_EQ(run.report.series_dropped, 15u + 15u + 13u);
  auto sizes = FindSamples(run.samples, "ipc_shm_segment_size_bytes");
  ASSERT_EQ(sizes.size(), 1u);
  EXPECT_EQ(sizes[0].labels.at("shmid"), "32769");
  EXPECT_EQ(FindSamples(run.samples, "ipc_shm_segment_info").size(), 1u);
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segments"), "4");
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_size_bytes"),
            std::to_string(65536 + 16777216 + 4096 + 8192));
  EXPECT_EQ(run.report.attention.size(), 1u);

  Collected uncapped = CollectFixture("shm", "normal");
  EXPECT_EQ(uncapped.report.series_dropped, 0u);
  EXPECT_EQ(FindSamples(uncapped.samples, "ipc_shm_segment_size_bytes").size(), 4u);
}

TEST(SeriesCap, SemArraysCountTheirSemaphores) {
  CollectorSettings settings;
  settings.sem_max_series = 30;
  Collected run = CollectFixture("sem", "normal", settings);
  // Array 0 (stuck semaphore): 7 array + 2x6 semaphore series = 19, kept first. Array 32769
  // (orphaned, so flagged too): 7 + 3 semaphores with 6, 6 and 5 (semnum 2 never operated on:
  // no _alive series) = 24, too many. Array 65538 (unreadable: no orphaned or application
  // series): 5 array series, fits.
  EXPECT_EQ(run.report.series_dropped, 24u);
  EXPECT_EQ(FindSamples(run.samples, "ipc_sem_value", {{"semid", "32769"}}).size(), 0u);
  EXPECT_EQ(FindSamples(run.samples, "ipc_sem_value", {{"semid", "0"}}).size(), 2u);
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_array_values_readable", {{"semid", "65538"}}), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_semaphores"), "6");
}

}  // namespace
}  // namespace ipc_exporter
