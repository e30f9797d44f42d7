// Splitting /proc/sysvipc tables into header and rows, and decoding fields with messages that
// name the file, line, column and text.
#include "procfs/sysv_table.h"

#include <gtest/gtest.h>

#include <string>

namespace ipc_exporter {
namespace {

TEST(SysvTable, SplitsOnRunsOfSpacesTabsAndCarriageReturns) {
  const SysvTable table("  key  shmid\tperms\r\n   1  \t 2 \t0644\r\n\n3 4 600\n", "t");
  ASSERT_EQ(table.rows().size(), 2u);  // the blank line is no row
  EXPECT_EQ(table.rows()[0].line_number, 2u);
  EXPECT_EQ(table.rows()[0].fields, (std::vector<std::string_view>{"1", "2", "0644"}));
  EXPECT_EQ(table.rows()[1].line_number, 4u);
  EXPECT_EQ(table.FindColumn("perms"), 2u);
  EXPECT_EQ(table.FindColumn("rss"), std::nullopt);
  EXPECT_TRUE(table.errors().empty());
}

TEST(SysvTable, RowsOfTheWrongWidthAreReportedNotKept) {
  const SysvTable table("a b c\n1 2 3\n1 2\n1 2 3 4\n", "sysvipc/x");
  EXPECT_EQ(table.rows().size(), 1u);
  ASSERT_EQ(table.errors().size(), 2u);
  EXPECT_NE(table.errors()[0].find("sysvipc/x line 3"), std::string::npos) << table.errors()[0];
  EXPECT_NE(table.errors()[1].find("line 4"), std::string::npos) << table.errors()[1];
}

TEST(SysvTable, NoHeaderOrAMissingColumnMakesTheTableUnusable) {
  EXPECT_THROW(SysvTable("", "empty"), TableFormatError);
  EXPECT_THROW(SysvTable("\n \n", "blank"), TableFormatError);
  const SysvTable table("key shmid\n", "sysvipc/shm");
  try {
    table.RequireColumn("nattch");
    FAIL() << "a missing column was accepted";
  } catch (const TableFormatError& error) {
    EXPECT_NE(std::string(error.what()).find("sysvipc/shm"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("nattch"), std::string::npos) << error.what();
  }
}

TEST(RowDecoder, DecodesWithinBoundsAndNamesTheFirstBadField) {
  const SysvTable table("key perms size ctime\n-1 1777 99 -5\n", "sysvipc/shm");
  RowDecoder row(table, table.rows()[0]);
  EXPECT_EQ(row.Key(0), 0xffffffffu);  // printed signed, returned as its bits
  EXPECT_EQ(row.Unsigned(1, 07777, 8), 01777u);
  EXPECT_EQ(row.Unsigned(2, 100), 99u);
  EXPECT_TRUE(row.ok());
  row.Unsigned(2, 98);  // over its bound
  EXPECT_FALSE(row.ok());
  const std::string first = row.error();
  EXPECT_NE(first.find("line 2"), std::string::npos) << first;
  EXPECT_NE(first.find("column 3"), std::string::npos) << first;  // 1-based, as the size column
  EXPECT_NE(first.find("99"), std::string::npos) << first;
  row.Signed(3, 0, 10);  // also bad: the first problem is the one kept
  EXPECT_EQ(row.error(), first);
}

}  // namespace
}  // namespace ipc_exporter
