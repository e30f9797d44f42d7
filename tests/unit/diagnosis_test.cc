// Liveness and diagnosis over the normal fixture: its /proc holds pid 1 and 1234 (postgres,
// started before everything), 502 (consumer), and 2001 (bash) that started an hour after the
// objects it is recorded for, i.e. a reused pid; 1240, 2002, 503 and 777 do not exist.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "collector.h"
#include "exposition.h"
#include "fakes.h"
#include "process_table.h"
#include "series_cap.h"
#include "shm_attachers.h"

namespace ipc_exporter {
namespace {

using testing::FindSample;
using testing::FindSamples;
using testing::FixtureProc;

struct Diagnosed {
  std::vector<testing::ParsedSample> samples;
  CollectReport report;
};

Diagnosed Collect(const std::string& name, const std::string& fixture,
                  CollectorSettings settings = {}) {
  ProcFs proc(FixtureProc(fixture));
  testing::FakeIpcSyscalls syscalls = testing::FixtureSyscalls(fixture);
  testing::FakeAccountNames names;
  CollectorContext context = testing::FixtureContext(proc, syscalls, names, settings);
  for (const CollectorInfo& info : AllCollectors()) {
    if (info.name != name) continue;
    std::string text;
    ExpositionWriter writer(&text);
    Diagnosed run;
    info.create(context)->Collect(writer, run.report);
    run.samples = testing::ParseExposition(text);
    return run;
  }
  throw std::runtime_error("no collector " + name);
}

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

TEST(ShmDiagnosis, OrphanedOnlyWhenTheCreatorIsKnownGone) {
  Diagnosed run = Collect("shm", "normal");
  // Creator alive; attached and marked for destruction anyway.
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_creator_alive", {{"shmid", "0"}}), "1");
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_orphaned", {{"shmid", "0"}}), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_info",
                       {{"shmid", "0"}, {"creator_command", "postgres"}}),
            "1");
  // Pid 2001 was reused by a later process: the creator is gone; nattch 0: leaked.
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_creator_alive", {{"shmid", "32769"}}), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_orphaned", {{"shmid", "32769"}}), "1");
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_info",
                       {{"shmid", "32769"}, {"creator_command", ""}}),
            "1");
  // Creator gone but still attached: not orphaned.
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_creator_alive", {{"shmid", "65538"}}), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_orphaned", {{"shmid", "65538"}}), "0");
  // cpid 0: unknown, so no _alive series and no flag.
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_creator_alive", {{"shmid", "98307"}}),
            std::nullopt);
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segment_orphaned", {{"shmid", "98307"}}), "0");

  ASSERT_EQ(run.report.attention.size(), 1u);
  const AttentionItem& item = run.report.attention[0];
  EXPECT_EQ(item.problem, "orphaned segment");
  EXPECT_EQ(item.key, "0xdeadbeef");
  EXPECT_EQ(item.id, "32769");
  EXPECT_EQ(item.owner, "alice");
  EXPECT_EQ(item.amount, "16.0 MiB");
  EXPECT_EQ(item.pid, 2001);
  EXPECT_EQ(item.idle_seconds, testing::kFixtureNow - 1795000300);  // since the last detach
}

TEST(ShmDiagnosis, HiddenProcessesFlagNothing) {
  Diagnosed run = Collect("shm", "old_kernel");  // no /proc/1 there: pids cannot be judged
  EXPECT_TRUE(FindSamples(run.samples, "ipc_shm_segment_creator_alive").empty());
  for (const auto& s : FindSamples(run.samples, "ipc_shm_segment_orphaned")) {
    EXPECT_EQ(s.value, "0");
  }
  EXPECT_TRUE(run.report.attention.empty());
}

TEST(ShmAttachers, ListedOnlyWhenAskedFor) {
  EXPECT_TRUE(
      FindSamples(Collect("shm", "normal").samples, "ipc_shm_segment_attacher_info").empty());
  CollectorSettings settings;
  settings.shm_attachers = true;
  Diagnosed run = Collect("shm", "normal", settings);
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

TEST(SemDiagnosis, StuckWhenWaitersOutliveTheLastOperator) {
  Diagnosed run = Collect("sem", "normal");
  auto at = [](const char* semid, const char* semnum) {
    return std::map<std::string, std::string>{{"semid", semid}, {"semnum", semnum}};
  };
  // 0/0: a waiter, but pid 1234 still runs. 0/1: two wait for zero, pid 1240 is gone.
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_last_operator_alive", at("0", "0")), "1");
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_stuck", at("0", "0")), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_last_operator_alive", at("0", "1")), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_stuck", at("0", "1")), "1");
  // 32769: everyone gone but nobody waits, so orphaned and not stuck; semnum 2 never touched.
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_stuck", at("32769", "0")), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_last_operator_alive", at("32769", "2")), std::nullopt);
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_array_orphaned", {{"semid", "32769"}}), "1");
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_array_orphaned", {{"semid", "0"}}), "0");
  // Unreadable values: nothing is known of the operators.
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_array_orphaned", {{"semid", "65538"}}), std::nullopt);

  ASSERT_EQ(run.report.attention.size(), 1u);
  EXPECT_EQ(run.report.attention[0].problem, "stuck semaphore");
  EXPECT_EQ(run.report.attention[0].id, "0/1");
  EXPECT_EQ(run.report.attention[0].amount, "value 0, 2 waiting");
  EXPECT_EQ(run.report.attention[0].pid, 1240);
}

TEST(MsgDiagnosis, StalledQueues) {
  Diagnosed run = Collect("msg", "normal");
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_last_receiver_alive", {{"msqid", "0"}}), "1");
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_stalled", {{"msqid", "0"}}), "0");
  // Receiver 503 gone with two messages left.
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_last_receiver_alive", {{"msqid", "98307"}}),
            "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_stalled", {{"msqid", "98307"}}), "1");
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_never_received", {{"msqid", "98307"}}), "0");
  // Never received from (lrpid 0: unknown receiver), last send 3000 s ago > 300 s: a finding
  // of its own, not a dead consumer.
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_last_receiver_alive", {{"msqid", "131076"}}),
            std::nullopt);
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_stalled", {{"msqid", "131076"}}), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_msg_queue_never_received", {{"msqid", "131076"}}), "1");
  ASSERT_EQ(run.report.attention.size(), 1u);
  EXPECT_EQ(run.report.attention[0].id, "98307");
  EXPECT_EQ(run.report.attention[0].pid, 503);

  CollectorSettings patient;
  patient.msg_stall_threshold_seconds = 7200;
  Diagnosed later = Collect("msg", "normal", patient);
  EXPECT_EQ(FindSample(later.samples, "ipc_msg_queue_never_received", {{"msqid", "131076"}}), "0");
  EXPECT_EQ(FindSample(later.samples, "ipc_msg_queue_stalled", {{"msqid", "98307"}}), "1");
}

TEST(SelectWithinCap, Table) {
  // Flagged objects first, then the rest in order; what does not fit is left out whole.
  CapSelection all = SelectWithinCap({5, 5, 5}, {false, false, false}, 100);
  EXPECT_EQ(all.kept, (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(all.dropped_series, 0u);
  CapSelection flagged_first = SelectWithinCap({5, 5, 5}, {false, false, true}, 10);
  EXPECT_EQ(flagged_first.kept, (std::vector<size_t>{0, 2}));
  EXPECT_EQ(flagged_first.dropped_series, 5u);
  CapSelection smaller_fits = SelectWithinCap({4, 50, 3}, {false, false, false}, 10);
  EXPECT_EQ(smaller_fits.kept, (std::vector<size_t>{0, 2}));
  EXPECT_EQ(smaller_fits.dropped_series, 50u);
  CapSelection none = SelectWithinCap({4}, {true}, 3);
  EXPECT_TRUE(none.kept.empty());
  EXPECT_EQ(none.dropped_series, 4u);
}

TEST(SeriesCap, KeepsTheLeakedSegmentAndExactTotals) {
  CollectorSettings settings;
  settings.shm_max_series = 20;  // room for one segment's 15 series
  Diagnosed run = Collect("shm", "normal", settings);
  // 32769 is leaked, so it is kept first; 0 and 65538 (15 series each) and 98307 (13: its
  // creator and so its application are unknown, so no _alive series) are left out.
  EXPECT_EQ(run.report.series_dropped, 15u + 15u + 13u);
  auto sizes = FindSamples(run.samples, "ipc_shm_segment_size_bytes");
  ASSERT_EQ(sizes.size(), 1u);
  EXPECT_EQ(sizes[0].labels.at("shmid"), "32769");
  EXPECT_EQ(FindSamples(run.samples, "ipc_shm_segment_info").size(), 1u);
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_segments"), "4");
  EXPECT_EQ(FindSample(run.samples, "ipc_shm_size_bytes"),
            std::to_string(65536 + 16777216 + 4096 + 8192));
  EXPECT_EQ(run.report.attention.size(), 1u);

  Diagnosed uncapped = Collect("shm", "normal");
  EXPECT_EQ(uncapped.report.series_dropped, 0u);
  EXPECT_EQ(FindSamples(uncapped.samples, "ipc_shm_segment_size_bytes").size(), 4u);
}

TEST(SeriesCap, SemArraysCountTheirSemaphores) {
  CollectorSettings settings;
  settings.sem_max_series = 30;
  Diagnosed run = Collect("sem", "normal", settings);
  // Array 0 (stuck semaphore): 7 array + 2x6 semaphore series = 19, kept first. Array 32769
  // (orphaned, so flagged too): 7 + 3 semaphores with 6, 6 and 5 (semnum 2 never operated on:
  // no _alive series) = 24, too many. Array 65538 (unreadable: no orphaned or application
  // series): 5 array series, fits.
  EXPECT_EQ(run.report.series_dropped, 24u);
  EXPECT_EQ(FindSamples(run.samples, "ipc_sem_value", {{"semid", "32769"}}).size(), 0u);
  EXPECT_EQ(FindSamples(run.samples, "ipc_sem_value", {{"semid", "0"}}).size(), 2u);
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_array_values_readable", {{"semid", "65538"}}), "0");
  EXPECT_EQ(FindSample(run.samples, "ipc_sem_semaphores"), "6");
}

TEST(LimitUsage, EveryCollectorReportsItsLimits) {
  Diagnosed shm = Collect("shm", "normal");
  ASSERT_EQ(shm.report.limits.size(), 2u);
  EXPECT_EQ(shm.report.limits[0].used, 4);
  EXPECT_EQ(shm.report.limits[0].limit, 4096);
  Diagnosed sem = Collect("sem", "normal");
  ASSERT_EQ(sem.report.limits.size(), 2u);
  EXPECT_EQ(sem.report.limits[1].used, 6);
  Diagnosed msg = Collect("msg", "normal");
  ASSERT_EQ(msg.report.limits.size(), 1u);
  EXPECT_EQ(msg.report.limits[0].limit, 32000);
}

}  // namespace
}  // namespace ipc_exporter
