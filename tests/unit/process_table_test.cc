// The process table over the normal fixture: liveness by pid and start time.
#include "procfs/process_table.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "fakes.h"

namespace ipc_exporter {
namespace {

using testing::FixtureProc;

TEST(ProcessTable, JudgesPidsAgainstEventTimes) {
  ProcFs proc(FixtureProc("normal"));
  ProcessTable table(proc);
  EXPECT_EQ(table.Check(1234, 1795000000), Liveness::kAlive);
  EXPECT_EQ(table.Check(2001, 1795000000), Liveness::kDead);   // started at 1795010000
  EXPECT_EQ(table.Check(2001, 1795010000), Liveness::kAlive);  // an event after its start
  EXPECT_EQ(table.Check(1240, 1795000000), Liveness::kDead);   // no such process
  EXPECT_EQ(table.Check(0, 1795000000), Liveness::kUnknown);   // not visible from here
  EXPECT_EQ(table.Command(1234), "postgres");
  EXPECT_EQ(table.Command(1240), std::nullopt);
}

TEST(ProcessTable, ZombiesAreDeadAndHiddenPidsUnknown) {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("ipc_proc_" + std::to_string(::getpid()));
  fs::create_directories(root / "1");
  fs::create_directories(root / "42");
  const char* kStat = " 0 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 100 1000 10 0\n";
  std::ofstream(root / "1/stat") << "1 (init) S" << kStat;
  std::ofstream(root / "42/stat") << "42 (crashed) Z" << kStat;
  {
    ProcFs proc(root.string());
    ProcessTable table(proc);
    EXPECT_EQ(table.Check(42, 0), Liveness::kDead);
    EXPECT_EQ(table.Command(42), std::nullopt);
    EXPECT_EQ(table.Check(1, 0), Liveness::kAlive);
    EXPECT_EQ(table.Check(7, 0), Liveness::kDead);
  }
  fs::remove_all(root / "1");  // hidepid: even pid 1 is invisible, so absence proves nothing
  {
    ProcFs proc(root.string());
    ProcessTable table(proc);
    EXPECT_EQ(table.Check(7, 0), Liveness::kUnknown);
  }
  fs::remove_all(root);
}

}  // namespace
}  // namespace ipc_exporter
