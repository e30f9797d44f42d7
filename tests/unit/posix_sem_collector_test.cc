// The posix_sem collector over the fixture /dev/shm.
#include <gtest/gtest.h>

#include "collect.h"

namespace ipc_exporter {
namespace {

using namespace testing;  // the fixture helpers of tests/support

TEST(PosixSemCollector, ReadsValueAndWaitersWithoutOpeningTheSemaphore) {
  // The fixture's sem.app-lock is a glibc sem_t with value 2 and one waiter.
  Collected c = CollectWith("posix_sem", FixtureProc("normal"), {});
  EXPECT_TRUE(c.errors.empty());
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_sem_value", {{"name", "/app-lock"}}), "2");
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_sem_waiters", {{"name", "/app-lock"}}), "1");
  EXPECT_EQ(FindSamples(c.samples, "ipc_posix_sem_info", {{"name", "/app-lock"}}).size(), 1u);
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_sems"), "1");
  Collected empty = CollectWith("posix_sem", FixtureProc("empty"), {});
  EXPECT_EQ(FindSample(empty.samples, "ipc_posix_sems"), "0");
}

}  // namespace
}  // namespace ipc_exporter
