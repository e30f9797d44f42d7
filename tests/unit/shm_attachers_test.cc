// Which processes attach which System V segments, from /proc/PID/maps.
#include "procfs/shm_attachers.h"

#include <gtest/gtest.h>

#include "collect.h"
#include "procfs/process_table.h"

namespace ipc_exporter {
namespace {

using namespace testing;  // the fixture helpers of tests/support

TEST(ShmAttachers, ListedOnlyWhenAskedFor) {
  EXPECT_TRUE(FindSamples(CollectFixture("shm", "normal").samples, "ipc_shm_segment_attacher_info")
                  .empty());
  CollectorSettings settings;
  settings.shm_attachers = true;
  Collected run = CollectFixture("shm", "normal", settings);
  auto attachers = FindSamples(run.samples, "ipc_shm_segment_attacher_info");
  ASSERT_EQ(attachers.size(), 2u);
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_attacher_info",
                       {{"shmid", "0"}, {"pid", "1234"}, {"command", "postgres"}}),
            "1");
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_attacher_info",
                       {{"shmid", "65538"}, {"pid", "2001"}, {"command", "bash"}}),
            "1");
}

TEST(ParseSysvAttachments, Table) {
  EXPECT_EQ(ParseSysvAttachments(""), std::vector<int32_t>{});
  EXPECT_EQ(ParseSysvAttachments("7f00-7f10 rw-s 00000000 00:01 32769 /SYSV00000000 (deleted)\n"
                                 "7f10-7f20 rw-s 00000000 00:01 32769 /SYSV00000000 (deleted)\n"
                                 "7f20-7f30 r--s 00000000 00:01 5 /SYSVdeadbeef\n"
                                 "7f30-7f40 r--p 00000000 fd:01 77 /usr/lib/SYSV-lookalike.so\n"
                                 "7f40-7f50 rw-s 00000000 00:05 12 /dev/shm/posix (deleted)\n"
                                 "7f50-7f60 rw-s 00000000 00:01 notanumber /SYSV00000001\n"
                                 "garbage /SYSV\n"),
            (std::vector<int32_t>{5, 32769}));
}

}  // namespace
}  // namespace ipc_exporter
