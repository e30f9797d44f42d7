// Account names from the real account database, cached.
#include "procfs/account_names.h"

#include <gtest/gtest.h>

namespace ipc_exporter {
namespace {

TEST(AccountNames, NamesFromTheDatabaseAndNumbersWithoutOne) {
  CachedAccountNames names;
  EXPECT_EQ(names.UserName(0), "root");
  EXPECT_EQ(names.GroupName(0), "root");
  // An id no account has reads as its number, as ipcs shows it.
  EXPECT_EQ(names.UserName(3999999999u), "3999999999");
  EXPECT_EQ(names.GroupName(3999999999u), "3999999999");
  names.Clear();  // forgotten, then looked up again
  EXPECT_EQ(names.UserName(0), "root");
}

}  // namespace
}  // namespace ipc_exporter
