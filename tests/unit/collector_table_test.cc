// The collector table: the names, order and defaults that flags, labels and the golden files
// rely on, and a working factory for each.
#include "scrape/collector_table.h"

#include <gtest/gtest.h>

#include <set>

#include "fakes.h"

namespace ipc_exporter {
namespace {

TEST(CollectorTable, EveryCollectorOnceInScrapeOrderEachMadeByItsFactory) {
  std::vector<std::string> names;
  for (const CollectorInfo& info : AllCollectors()) {
    names.emplace_back(info.name);
    // Each reader of the kernel's tables is cheap enough to be on; the tracing (activity) costs
    // the traced programs' calls and needs CAP_BPF: the operator opts in.
    EXPECT_EQ(info.enabled_by_default, info.name != "activity") << info.name;
    EXPECT_FALSE(info.help.empty()) << info.name;
    EXPECT_NE(info.create(testing::UnusedContext()), nullptr) << info.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"shm", "sem", "msg", "posix_shm", "posix_sem",
                                             "posix_mqueue", "activity"}));
}

}  // namespace
}  // namespace ipc_exporter
