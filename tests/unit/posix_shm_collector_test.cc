// The posix_shm collector over the fixture /dev/shm.
#include <gtest/gtest.h>
#include <sys/statvfs.h>

#include "collect.h"

namespace ipc_exporter {
namespace {

using namespace testing;  // the fixture helpers of tests/support

TEST(PosixShmCollector, ListsObjectsButNotSemaphores) {
  // The fixture's /dev/shm holds app-cache (100 bytes) and sem.app-lock (a semaphore).
  Collected c = CollectWith("posix_shm", FixtureProc("normal"), {});
  EXPECT_TRUE(c.errors.empty());
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_shm_object_size_bytes", {{"name", "/app-cache"}}),
            "100");
  EXPECT_TRUE(FindSamples(c.samples, "ipc_posix_shm_object_size_bytes", {{"name", "/sem.app-lock"}})
                  .empty());
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_shm_objects"), "1");
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_shm_size_bytes"), "100");
  EXPECT_EQ(FindSamples(c.samples, "ipc_posix_shm_object_info", {{"name", "/app-cache"}}).size(),
            1u);
}

TEST(PosixShmCollector, PublishesTheFilesystemOfDevShm) {
  const std::string dev_shm = FixtureProc("normal") + "/../dev/shm";
  CollectorSettings settings;
  settings.dev_shm = dev_shm;
  Collected c = CollectWith("posix_shm", FixtureProc("normal"), {}, settings);
  struct statvfs fs {};
  ASSERT_EQ(::statvfs(dev_shm.c_str(), &fs), 0);
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_shm_filesystem_size_bytes"),
            std::to_string(uint64_t{fs.f_blocks} * fs.f_frsize));
  EXPECT_EQ(FindSample(c.samples, "ipc_posix_shm_filesystem_files"), std::to_string(fs.f_files));
  EXPECT_TRUE(FindSample(c.samples, "ipc_posix_shm_filesystem_free_bytes").has_value());
  EXPECT_TRUE(FindSample(c.samples, "ipc_posix_shm_filesystem_files_free").has_value());
}

}  // namespace
}  // namespace ipc_exporter
