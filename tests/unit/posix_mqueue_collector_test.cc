// The posix_mqueue collector over a fixture mqueue mount.
#include <gtest/gtest.h>

#include "collect.h"

namespace ipc_exporter {
namespace {

using namespace testing;  // the fixture helpers of tests/support

TEST(PosixMqueueCollector, AnExitedProcesssMountIsNoErrorButAMissingMountIs) {
  CollectorSettings settings;
  settings.mqueue_mountinfo.clear();
  settings.mqueue_directory = "/proc/2147483647/root/dev/mqueue";  // above pid_max: never a process
  settings.through_process_root = true;
  Collected gone = CollectWith("posix_mqueue", FixtureProc("normal"), {}, settings);
  EXPECT_TRUE(gone.errors.empty()) << gone.errors.front();
  EXPECT_EQ(FindSample(gone.samples, "ipc_posix_mqueues"), "0");
  settings.through_process_root = false;
  Collected missing = CollectWith("posix_mqueue", FixtureProc("normal"), {}, settings);
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_NE(missing.errors.front().find("cannot list /proc/2147483647/root/dev/mqueue"),
            std::string::npos)
      << missing.errors.front();
}

}  // namespace
}  // namespace ipc_exporter
