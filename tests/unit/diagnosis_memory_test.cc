// DiagnosisMemory, and ProcessTable's judgement of an object's application, over a scratch /proc
// tree whose processes have /proc/PID/stat and /proc/PID/status as the kernel writes them.
#include "procfs/diagnosis_memory.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "procfs/process_stat.h"
#include "procfs/process_table.h"

namespace ipc_exporter {
namespace {

namespace fs = std::filesystem;

/// A /proc tree with btime 1000 and processes added by Add(); removed with the object.
class ScratchProcTree {
 public:
  ScratchProcTree()
      : root_(fs::temp_directory_path() / ("ipc_memory_" + std::to_string(::getpid()))) {
    fs::create_directories(root_);
    std::ofstream(root_ / "stat") << "cpu 1 2 3\nbtime 1000\n";
    Add(1, "init", 0, 'S');
  }
  ~ScratchProcTree() { fs::remove_all(root_); }

  /// A process started `start_ticks` clock ticks after boot, running as `uid`.
  void Add(int pid, const std::string& command, uint32_t uid, char state = 'S',
           uint64_t start_ticks = 100) {
    fs::path dir = root_ / std::to_string(pid);
    fs::create_directories(dir);
    std::ofstream(dir / "stat") << pid << " (" << command << ") " << state
                                << " 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 " << start_ticks
                                << " 1000 10 0\n";
    std::ofstream(dir / "status") << "Name:\t" << command << "\nState:\t" << state
                                  << " (whatever)\nUid:\t" << uid << "\t" << uid << "\t" << uid
                                  << "\t" << uid << "\n";
  }
  /// A child of `parent`, started at the same tick.
  void AddChild(int pid, int parent, const std::string& command, uint32_t uid) {
    Add(pid, command, uid);
    fs::path stat = root_ / std::to_string(pid) / "stat";
    std::ofstream(stat) << pid << " (" << command << ") S " << parent
                        << " 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 100 1000 10 0\n";
  }
  void Remove(int pid) { fs::remove_all(root_ / std::to_string(pid)); }
  std::string root() const { return root_.string(); }

 private:
  fs::path root_;
};

TEST(ParseStatusUids, RealAndEffective) {
  auto uids = ParseStatusUids("Name:\tapache2\nUmask:\t0022\nUid:\t0\t33\t33\t33\nGid:\t0\n");
  ASSERT_TRUE(uids.has_value());
  EXPECT_EQ(uids->real, 0u);
  EXPECT_EQ(uids->effective, 33u);
  EXPECT_FALSE(ParseStatusUids("Name:\tx\n").has_value());
  EXPECT_FALSE(ParseStatusUids("Uid:\t12\n").has_value());
  EXPECT_FALSE(ParseStatusUids("Uid:\tx\t1\t1\t1\n").has_value());
  EXPECT_FALSE(ParseStatusUids("Uid:\t99999999999\t1\t1\t1\n").has_value());
}

TEST(ProcessTableApplication, UsersOtherThanRootKeepAnApplicationAlive) {
  ScratchProcTree tree;
  tree.Add(40, "postgres", 105);
  tree.Add(41, "bash", 0);
  tree.Add(42, "defunct", 106, 'Z');
  ProcFs proc(tree.root());
  ProcessTable table(proc);
  const PidEvent gone[] = {{7000, 0}};
  const uint32_t postgres[] = {105};
  const uint32_t root[] = {0};
  const uint32_t zombie_only[] = {106};
  const uint32_t nobody_runs[] = {107, 0};
  EXPECT_EQ(table.Application(gone, postgres), Liveness::kAlive);
  EXPECT_EQ(table.Application(gone, root), Liveness::kDead);  // root runs, but proves nothing
  EXPECT_EQ(table.Application(gone, zombie_only), Liveness::kDead);
  EXPECT_EQ(table.Application(gone, nobody_runs), Liveness::kDead);
  EXPECT_EQ(table.Application({}, postgres), Liveness::kAlive);
}

TEST(ProcessTableApplication, HiddenProcessesLeaveItUnknown) {
  ScratchProcTree tree;
  tree.Remove(1);
  ProcFs proc(tree.root());
  ProcessTable table(proc);
  const uint32_t users[] = {105};
  EXPECT_EQ(table.Application({}, users), Liveness::kUnknown);
}

TEST(ProcessTableMemory, CommandAndUserOutliveTheProcess) {
  ScratchProcTree tree;
  tree.Add(50, "leaky-helper", 0);
  tree.Add(51, "worker", 1001);
  tree.Add(60, "other", 1001);
  ProcFs proc(tree.root());
  DiagnosisMemory memory;
  const int64_t event = 1000 + 2;  // just after both started (100 ticks after boot 1000)
  {
    ProcessTable table(proc, &memory);
    EXPECT_EQ(table.Check(50, event), Liveness::kAlive);
    EXPECT_EQ(table.Check(51, event), Liveness::kAlive);
  }
  tree.Remove(50);
  tree.Remove(51);
  {
    ProcessTable table(proc, &memory);
    EXPECT_EQ(table.Check(50, event), Liveness::kDead);
    EXPECT_EQ(table.Command(50), std::nullopt);
    EXPECT_EQ(table.CommandOf(50, event), "leaky-helper");
    // The worker's user still runs another process: its application lives.
    const PidEvent worker[] = {{51, event}};
    EXPECT_EQ(table.Application(worker, {}), Liveness::kAlive);
    const PidEvent helper[] = {{50, event}};
    EXPECT_EQ(table.Application(helper, {}), Liveness::kDead);
  }
  tree.Remove(60);
  {
    ProcessTable table(proc, &memory);
    const PidEvent worker[] = {{51, event}};
    EXPECT_EQ(table.Application(worker, {}), Liveness::kDead);
  }
  // A newer process wearing pid 50 (started 10 s after the event) is not the one remembered...
  tree.Add(50, "sleep", 0, 'S', 1200);
  {
    ProcessTable table(proc, &memory);
    EXPECT_EQ(table.Check(50, event), Liveness::kDead);
    EXPECT_EQ(table.CommandOf(50, event), "leaky-helper");
  }
  // ...and an event it did itself gets its own command, and memory, from then on.
  {
    ProcessTable table(proc, &memory);
    EXPECT_EQ(table.CommandOf(50, 1000 + 13), "sleep");
  }
  EXPECT_EQ(memory.Recall(50)->command, "sleep");
}

/// The creation bounds Objects() returns.
std::vector<int64_t> Bounds(DiagnosisMemory& memory, uint64_t ipc_namespace, char kind,
                            const std::vector<std::pair<int32_t, int64_t>>& objects, int64_t now) {
  std::vector<int64_t> bounds;
  for (const auto& o : memory.Objects(ipc_namespace, kind, objects, now)) {
    bounds.push_back(o.created_no_later_than);
  }
  return bounds;
}

TEST(DiagnosisMemory, EarliestCreationSurvivesLaterChangesAndForgetsRemovedObjects) {
  DiagnosisMemory memory;
  // First seen at 500 with ctime 400; a never-timed object gets the scrape's time.
  EXPECT_EQ(Bounds(memory, 0, 'm', {{1, 400}, {2, 0}}, 500), (std::vector<int64_t>{400, 500}));
  // IPC_SET moved both ctimes past 900: the earlier bounds stand.
  EXPECT_EQ(Bounds(memory, 0, 'm', {{1, 950}, {2, 960}}, 1000), (std::vector<int64_t>{400, 500}));
  // Another namespace or kind with the same ids is another object.
  EXPECT_EQ(Bounds(memory, 7, 'm', {{1, 950}}, 1000), (std::vector<int64_t>{950}));
  EXPECT_EQ(Bounds(memory, 0, 's', {{1, 950}}, 1000), (std::vector<int64_t>{950}));
  // Object 1 went away: a new object 1 starts afresh.
  EXPECT_EQ(Bounds(memory, 0, 'm', {{2, 960}}, 1100), (std::vector<int64_t>{500}));
  EXPECT_EQ(Bounds(memory, 0, 'm', {{1, 1090}, {2, 960}}, 1200), (std::vector<int64_t>{1090, 500}));
}

TEST(DiagnosisMemory, PoolParentIsKeptWhileTheObjectLasts) {
  DiagnosisMemory memory;
  memory.Objects(0, 's', {{3, 100}}, 200);
  memory.RememberPoolParent(0, 's', 3, {77, 1234.5});
  memory.RememberPoolParent(0, 's', 4, {78, 1.0});  // not listed: ignored
  std::vector<DiagnosisMemory::Object> objects = memory.Objects(0, 's', {{3, 150}, {4, 150}}, 300);
  EXPECT_EQ(objects[0].pool_parent.pid, 77);
  EXPECT_EQ(objects[0].pool_parent.start_time, 1234.5);
  EXPECT_EQ(objects[1].pool_parent.pid, 0);
  memory.Objects(0, 's', {}, 400);  // both removed
  EXPECT_EQ(memory.Objects(0, 's', {{3, 390}}, 500)[0].pool_parent.pid, 0);
}

TEST(ProcessTableApplication, APreForkedWorkersParentKeepsThePoolAlive) {
  ScratchProcTree tree;
  tree.Add(70, "apache2", 0);
  tree.AddChild(71, 70, "apache2", 33);
  tree.AddChild(72, 70, "helper", 33);  // exec'd another program: not a pool worker
  ProcFs proc(tree.root());
  ProcessTable table(proc);
  std::optional<DiagnosisMemory::ProcessIdentity> parent = table.PoolParent(71);
  ASSERT_TRUE(parent.has_value());
  EXPECT_EQ(parent->pid, 70);
  EXPECT_EQ(parent->start_time, 1001.0);
  EXPECT_FALSE(table.PoolParent(72).has_value());
  EXPECT_FALSE(table.PoolParent(70).has_value());  // its parent is init
  EXPECT_EQ(table.PoolParentOfUser(33)->pid, 70);
  EXPECT_FALSE(table.PoolParentOfUser(0).has_value());
  const uint32_t root[] = {0};
  EXPECT_EQ(table.Application({}, root, *parent), Liveness::kAlive);
  EXPECT_EQ(table.Application({}, root, {70, 999.0}), Liveness::kDead);  // pid 70 reused since
  tree.Remove(70);
  ProcessTable later(proc);
  EXPECT_EQ(later.Application({}, root, *parent), Liveness::kDead);
}

TEST(DiagnosisMemory, ForgetsTheOlderHalfWhenFull) {
  DiagnosisMemory memory;
  for (int32_t pid = 1; pid <= static_cast<int32_t>(DiagnosisMemory::kMaxProcesses); ++pid) {
    memory.Remember(pid, {1.0, "p" + std::to_string(pid), 0});
  }
  EXPECT_TRUE(memory.Recall(1).has_value());
  memory.Remember(999999, {1.0, "new", 0});
  EXPECT_FALSE(memory.Recall(1).has_value());
  EXPECT_TRUE(memory.Recall(999999).has_value());
  EXPECT_TRUE(memory.Recall(static_cast<int32_t>(DiagnosisMemory::kMaxProcesses)).has_value());
}

}  // namespace
}  // namespace ipc_exporter
