// Decoding glibc's named semaphores and the mqueue filesystem's files.
#include "procfs/posix_parsers.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace ipc_exporter {
namespace {

TEST(PosixParsers, Table) {
  EXPECT_EQ(ParseMqueueMount("22 1 0:5 / /dev rw - devtmpfs udev rw\n"
                             "36 22 0:31 / /dev/mqueue rw,relatime - mqueue mqueue rw\n"),
            "/dev/mqueue");
  EXPECT_EQ(ParseMqueueMount("36 22 0:31 / /run/my\\040queues rw - mqueue mqueue rw\n"),
            "/run/my queues");
  EXPECT_EQ(ParseMqueueMount("22 1 0:5 / /dev rw - devtmpfs udev rw\n"), std::nullopt);
  EXPECT_EQ(ParseMqueueQsize("QSIZE:129        NOTIFY:0     SIGNO:0     NOTIFY_PID:0\n"), 129u);
  EXPECT_EQ(ParseMqueueQsize("QSIZE:x"), std::nullopt);
  EXPECT_EQ(ParseMqueueQsize(""), std::nullopt);
  std::string word(32, '\0');
  word[0] = 5;
  word[4] = 3;
  ASSERT_TRUE(DecodePosixSemaphore(word).has_value());
  EXPECT_EQ(DecodePosixSemaphore(word)->value, 5u);
  EXPECT_EQ(DecodePosixSemaphore(word)->waiters, 3u);
  EXPECT_EQ(DecodePosixSemaphore(std::string(16, '\0')), std::nullopt);
}

}  // namespace
}  // namespace ipc_exporter
