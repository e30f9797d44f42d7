// Parsing /proc/PID/mountinfo lines.
#include "procfs/mountinfo.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ipc_exporter {
namespace {

TEST(Mountinfo, ReadsRootMountPointAndType) {
  std::vector<MountEntry> mounts = ParseMountinfo(
      "22 1 0:21 / /dev/shm rw,nosuid,nodev shared:3 - tmpfs tmpfs rw\n"
      "30 22 0:4 ipc:[4026532300] /run/ipc\\040ns/a rw - nsfs nsfs rw\n"
      "garbage line without separator\n"
      "31 1 0:5 / /short -\n"
      "36 35 0:31 / /dev/mqueue rw,relatime - mqueue mqueue rw");
  ASSERT_EQ(mounts.size(), 3u);
  EXPECT_EQ(mounts[0].mount_point, "/dev/shm");
  EXPECT_EQ(mounts[0].fstype, "tmpfs");
  EXPECT_EQ(mounts[1].root, "ipc:[4026532300]");
  EXPECT_EQ(mounts[1].mount_point, "/run/ipc ns/a");
  EXPECT_EQ(mounts[2].fstype, "mqueue");
}

}  // namespace
}  // namespace ipc_exporter
