#include "procfs/sysv_parsers.h"

#include <gtest/gtest.h>

#include "procfs/sysv_table.h"

namespace ipc_exporter {
namespace {

const std::string kShmHeader16 =
    "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  "
    "cgid      atime      dtime      ctime                   rss                  swap\n";
const std::string kShmHeader14 =
    "       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid      "
    "atime      dtime      ctime\n";
const std::string kGoodRow16 =
    "-559038737      32769  1640    16777216  2001  2002      3  1000  1001  1002  1003 "
    "1795000200 1795000300 1795000000   8388608   4194304\n";

TEST(ParseShmTable, DecodesEverySixteenColumnField) {
  ParsedTable<ShmSegment> parsed = ParseShmTable(kShmHeader16 + kGoodRow16, "shm");
  ASSERT_TRUE(parsed.errors.empty()) << parsed.errors.front();
  ASSERT_EQ(parsed.records.size(), 1u);
  const ShmSegment& s = parsed.records[0];
  EXPECT_EQ(s.owner.key, 0xdeadbeefu);  // the kernel prints keys as signed decimal
  EXPECT_EQ(s.shmid, 32769);
  EXPECT_EQ(s.owner.perms, 01640u);  // perms are octal
  EXPECT_EQ(s.size_bytes, 16777216u);
  EXPECT_EQ(s.creator_pid, 2001);
  EXPECT_EQ(s.last_operation_pid, 2002);
  EXPECT_EQ(s.attached, 3u);
  EXPECT_EQ(s.owner.uid, 1000u);
  EXPECT_EQ(s.owner.gid, 1001u);
  EXPECT_EQ(s.owner.cuid, 1002u);
  EXPECT_EQ(s.owner.cgid, 1003u);
  EXPECT_EQ(s.attach_time, 1795000200);
  EXPECT_EQ(s.detach_time, 1795000300);
  EXPECT_EQ(s.change_time, 1795000000);
  EXPECT_EQ(s.resident_bytes, std::optional<uint64_t>(8388608));
  EXPECT_EQ(s.swapped_bytes, std::optional<uint64_t>(4194304));
}

TEST(ParseShmTable, FourteenColumnKernelHasNoMemoryColumns) {
  ParsedTable<ShmSegment> parsed = ParseShmTable(
      kShmHeader14 + "5678 0 600 1048576 300 301 1 0 0 0 0 1500000100 0 1500000000\n", "shm");
  ASSERT_EQ(parsed.records.size(), 1u);
  EXPECT_EQ(parsed.records[0].size_bytes, 1048576u);
  EXPECT_FALSE(parsed.records[0].resident_bytes.has_value());
  EXPECT_FALSE(parsed.records[0].swapped_bytes.has_value());
}

TEST(ParseShmTable, FindsColumnsByNameNotPosition) {
  // The same fields in another order, plus a column this parser does not know.
  std::string text =
      "shmid key future size perms cpid lpid nattch uid gid cuid cgid atime dtime ctime\n"
      "7 99 123 4096 600 1 2 0 0 0 0 0 0 0 5\n";
  ParsedTable<ShmSegment> parsed = ParseShmTable(text, "shm");
  ASSERT_EQ(parsed.records.size(), 1u);
  EXPECT_EQ(parsed.records[0].shmid, 7);
  EXPECT_EQ(parsed.records[0].owner.key, 99u);
  EXPECT_EQ(parsed.records[0].size_bytes, 4096u);
  EXPECT_EQ(parsed.records[0].change_time, 5);
}

struct MalformedCase {
  const char* name;
  std::string row;
  const char* error_fragment;
};

class ShmMalformedRow : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(ShmMalformedRow, IsSkippedWithAMessageAndOtherRowsSurvive) {
  const MalformedCase& c = GetParam();
  std::string text = kShmHeader16 + kGoodRow16 + c.row + kGoodRow16;
  ParsedTable<ShmSegment> parsed = ParseShmTable(text, "/proc/sysvipc/shm");
  EXPECT_EQ(parsed.records.size(), 2u);
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_NE(parsed.errors[0].find("/proc/sysvipc/shm line 3"), std::string::npos)
      << parsed.errors[0];
  EXPECT_NE(parsed.errors[0].find(c.error_fragment), std::string::npos) << parsed.errors[0];
}

INSTANTIATE_TEST_SUITE_P(
    Table, ShmMalformedRow,
    ::testing::Values(
        MalformedCase{"truncated", "0 1 600 4096 1 2\n", "has 6 fields, the header has 16"},
        MalformedCase{"extra_field", kGoodRow16.substr(0, kGoodRow16.size() - 1) + " 9\n",
                      "has 17 fields"},
        MalformedCase{"size_beyond_uint64",
                      "0 1 600 99999999999999999999999 1 2 0 0 0 0 0 0 0 0 0 0\n",
                      "column 4 \"99999999999999999999999\" is not an unsigned number"},
        MalformedCase{"negative_size", "0 1 600 -4096 1 2 0 0 0 0 0 0 0 0 0 0\n", "column 4"},
        MalformedCase{"key_beyond_32_bits", "99999999999 1 600 4096 1 2 0 0 0 0 0 0 0 0 0 0\n",
                      "column 1"},
        MalformedCase{"perms_not_octal", "0 1 689 4096 1 2 0 0 0 0 0 0 0 0 0 0\n",
                      "not an octal number"},
        MalformedCase{"negative_id", "0 -1 600 4096 1 2 0 0 0 0 0 0 0 0 0 0\n", "column 2"},
        MalformedCase{"id_beyond_int", "0 2147483648 600 4096 1 2 0 0 0 0 0 0 0 0 0 0\n",
                      "column 2"},
        MalformedCase{"letters", "0 1 600 4k 1 2 0 0 0 0 0 0 0 0 0 0\n", "\"4k\""},
        MalformedCase{"nul_byte", std::string("0 1 600 40") + '\0' + "96 1 2 0 0 0 0 0 0 0 0 0 0\n",
                      "column 4"},
        MalformedCase{"hex_number", "0 1 600 0x1000 1 2 0 0 0 0 0 0 0 0 0 0\n", "column 4"},
        MalformedCase{"huge_field",
                      "0 1 600 " + std::string(5000, '9') + " 1 2 0 0 0 0 0 0 0 0 0 0\n",
                      "column 4"}),
    [](const ::testing::TestParamInfo<MalformedCase>& param_info) {
      return param_info.param.name;
    });

TEST(ParseShmTable, HostileFieldIsCutShortInTheMessage) {
  std::string text =
      kShmHeader16 + "0 1 600 " + std::string(5000, 'x') + " 1 2 0 0 0 0 0 0 0 0 0 0\n";
  ParsedTable<ShmSegment> parsed = ParseShmTable(text, "shm");
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_LT(parsed.errors[0].size(), 200u);
}

TEST(ParseShmTable, HeaderOnlyTableHasNoRowsAndNoErrors) {
  ParsedTable<ShmSegment> parsed = ParseShmTable(kShmHeader16, "shm");
  EXPECT_TRUE(parsed.records.empty());
  EXPECT_TRUE(parsed.errors.empty());
}

TEST(ParseShmTable, BlankLinesAndCarriageReturnsAreIgnored) {
  std::string row = kGoodRow16;
  row.insert(row.size() - 1, "\r");
  ParsedTable<ShmSegment> parsed = ParseShmTable("\n" + kShmHeader16 + "\n" + row + "\n", "shm");
  EXPECT_EQ(parsed.records.size(), 1u);
  EXPECT_TRUE(parsed.errors.empty());
}

TEST(ParseShmTable, EmptyFileThrowsNamingTheFile) {
  try {
    ParseShmTable("", "/x/sysvipc/shm");
    FAIL() << "no exception";
  } catch (const TableFormatError& error) {
    EXPECT_NE(std::string(error.what()).find("/x/sysvipc/shm: empty"), std::string::npos);
  }
  EXPECT_THROW(ParseShmTable("   \n\n", "shm"), TableFormatError);
}

TEST(ParseShmTable, MissingRequiredColumnThrowsNamingIt) {
  try {
    ParseShmTable("key shmid perms size uid gid cuid cgid\n0 0 600 4096 0 0 0 0\n", "shm");
    FAIL() << "no exception";
  } catch (const TableFormatError& error) {
    EXPECT_NE(std::string(error.what()).find("no column \"cpid\""), std::string::npos)
        << error.what();
  }
}

TEST(ParseSemTable, DecodesARow) {
  ParsedTable<SemArray> parsed = ParseSemTable(
      "key semid perms nsems uid gid cuid cgid otime ctime\n"
      " 305419896 32769 666 3 1000 1000 1000 1000 0 1795000000\n",
      "sem");
  ASSERT_EQ(parsed.records.size(), 1u);
  EXPECT_EQ(parsed.records[0].owner.key, 0x12345678u);
  EXPECT_EQ(parsed.records[0].semid, 32769);
  EXPECT_EQ(parsed.records[0].semaphores, 3u);
  EXPECT_EQ(parsed.records[0].operation_time, 0);
  EXPECT_EQ(parsed.records[0].change_time, 1795000000);
}

TEST(ParseSemTable, MalformedRowIsReported) {
  ParsedTable<SemArray> parsed =
      ParseSemTable("key semid perms nsems uid gid cuid cgid otime ctime\n1 2 3\n", "sem");
  EXPECT_TRUE(parsed.records.empty());
  EXPECT_EQ(parsed.errors.size(), 1u);
}

TEST(ParseMsgTable, DecodesARow) {
  ParsedTable<MsgQueue> parsed = ParseMsgTable(
      "key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid stime rtime ctime\n"
      "1000 0 666 300 3 501 502 1000 1000 1000 1000 1795000600 1795000550 1795000000\n",
      "msg");
  ASSERT_EQ(parsed.records.size(), 1u);
  const MsgQueue& q = parsed.records[0];
  EXPECT_EQ(q.owner.key, 1000u);
  EXPECT_EQ(q.bytes, 300u);
  EXPECT_EQ(q.messages, 3u);
  EXPECT_EQ(q.last_send_pid, 501);
  EXPECT_EQ(q.last_receive_pid, 502);
  EXPECT_EQ(q.send_time, 1795000600);
  EXPECT_EQ(q.receive_time, 1795000550);
}

TEST(ParseMsgTable, HeaderWithoutQnumThrows) {
  EXPECT_THROW(ParseMsgTable("key msqid perms cbytes\n", "msg"), TableFormatError);
}

}  // namespace
}  // namespace ipc_exporter
