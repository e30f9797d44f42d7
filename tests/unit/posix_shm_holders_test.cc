// Which files of one device a process maps, from /proc/PID/maps.
#include "procfs/posix_shm_holders.h"

#include <gtest/gtest.h>
#include <sys/sysmacros.h>

#include <string>
#include <vector>

namespace ipc_exporter {
namespace {

TEST(MappedInodes, FilesOfTheOneDeviceEachOnce) {
  const char* maps =
      "7f00a000-7f00b000 rw-s 00000000 00:1a 4242                       /dev/shm/app\n"
      "7f00b000-7f00c000 rw-s 00001000 00:1a 4242                       /dev/shm/app\n"
      "7f00c000-7f00d000 r--s 00000000 00:1a 17                         /dev/shm/b (deleted)\n"
      "7f00d000-7f00e000 r-xp 00000000 08:01 4242                       /usr/lib/libc.so.6\n"
      "7f00e000-7f00f000 rw-p 00000000 00:00 0                          [heap]\n"
      "7f00f000-7f010000 rw-s 00000000 10a:1a 99                        /dev/other\n"
      "garbage\n"
      "7f010000-7f011000 rw-s 00000000 00:1a notanumber                 /dev/shm/x\n"
      "7f011000-7f012000 rw-s 00000000 00:1a";
  const dev_t shm = makedev(0, 0x1a), disk = makedev(8, 1), other = makedev(0x10a, 0x1a);
  EXPECT_EQ(ParseMappedFiles(maps, {shm}), (std::vector<FileId>{{shm, 17}, {shm, 4242}}));
  EXPECT_EQ(ParseMappedFiles(maps, {disk}), (std::vector<FileId>{{disk, 4242}}));
  EXPECT_EQ(ParseMappedFiles(maps, {other}), (std::vector<FileId>{{other, 99}}));
  EXPECT_TRUE(ParseMappedFiles("", {shm}).empty());
  // Several devices in one pass (sorted, as ScanFileHolders passes them).
  std::vector<dev_t> both = {shm, other};
  std::sort(both.begin(), both.end());
  std::vector<FileId> expected = {{shm, 17}, {shm, 4242}, {other, 99}};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ParseMappedFiles(maps, both), expected);
}

}  // namespace
}  // namespace ipc_exporter
