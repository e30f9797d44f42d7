// The diagnosis scenarios with real processes: creators that exit, lock holders that crash with
// and without SEM_UNDO, receivers that die. All asserted through the real binary over HTTP, and
// on the landing page, which must list exactly the problem objects.
#include <gtest/gtest.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <set>

#include "exporter_process.h"
#include "exposition.h"
#include "http_client.h"
#include "ipc_objects.h"

namespace ipc_exporter::testing {
namespace {

/// Runs `body` in a child that exits at once, waits for it (so it is reaped, not a zombie) and
/// returns its pid and the int it wrote to the pipe.
std::pair<pid_t, int> RunToCompletion(const std::function<int()>& body) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    int value = body();
    ssize_t ignored = ::write(fds[1], &value, sizeof(value));
    (void)ignored;
    ::_exit(0);
  }
  ::close(fds[1]);
  int value = -1;
  EXPECT_EQ(::read(fds[0], &value, sizeof(value)), static_cast<ssize_t>(sizeof(value)));
  ::close(fds[0]);
  ::waitpid(pid, nullptr, 0);
  return {pid, value};
}

/// A child that runs `setup`, reports its result through a pipe, then sleeps until killed.
class LingeringChild {
 public:
  explicit LingeringChild(const std::function<int()>& setup) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    child_ = std::make_unique<ChildProcess>([&] {
      int value = setup();
      ssize_t ignored = ::write(fds[1], &value, sizeof(value));
      (void)ignored;
      for (;;) ::pause();
    });
    ::close(fds[1]);
    EXPECT_EQ(::read(fds[0], &value_, sizeof(value_)), static_cast<ssize_t>(sizeof(value_)));
    ::close(fds[0]);
  }
  pid_t pid() const { return child_->pid(); }
  int value() const { return value_; }

 private:
  std::unique_ptr<ChildProcess> child_;
  int value_ = -1;
};

/// Removes a segment created by a child, by its id, when the test ends.
struct AdoptedShm {
  int id;
  ~AdoptedShm() { ::shmctl(id, IPC_RMID, nullptr); }
};

/// The "ID" column of each row of the landing page's attention table.
std::set<std::string> AttentionIds(const std::string& page) {
  std::set<std::string> ids;
  size_t start = page.find("<table id=\"attention\">");
  if (start == std::string::npos) return ids;
  std::string table = page.substr(start, page.find("</table>", start) - start);
  const std::regex row("<tr><td class=\"failed\">([a-z ]+)</td><td>[^<]*</td><td>([^<]*)</td>");
  for (std::sregex_iterator it(table.begin(), table.end(), row), end; it != end; ++it) {
    ids.insert((*it)[1].str() + " " + (*it)[2].str());
  }
  return ids;
}

TEST(LiveDiagnosis, EveryScenarioIsReportedAndOnlyProblemsAreListed) {
  // (a) A segment whose creator exits without attaching it: leaked.
  LeakedSegment leaked(4096);
  const int leaked_id = leaked.id();
  const pid_t leaker_pid = leaked.creator();

  // (b) A segment created and still attached by a living child named "ipc-holder".
  LingeringChild holder([] {
    ::prctl(PR_SET_NAME, "ipc-holder");
    int id = ::shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
    ::shmat(id, nullptr, 0);
    return id;
  });
  ASSERT_GE(holder.value(), 0);
  AdoptedShm held{holder.value()};

  // (c) A lock taken without SEM_UNDO by a child that dies while another child waits: stuck.
  TestSemArray crashed_lock(1, 0600);
  crashed_lock.SetAll({1});
  const int crashed_id = crashed_lock.id();
  auto [crasher_pid, ignored_c] = RunToCompletion([crashed_id] {
    sembuf take{0, -1, 0};
    return ::semop(crashed_id, &take, 1);
  });
  ChildProcess crashed_waiter([crashed_id] {
    sembuf take{0, -1, 0};
    ::semop(crashed_id, &take, 1);
  });

  // (d) The same with SEM_UNDO: the kernel gives the value back, the waiter gets the lock.
  TestSemArray undone_lock(1, 0600);
  undone_lock.SetAll({1});
  const int undone_id = undone_lock.id();
  RunToCompletion([undone_id] {
    sembuf take{0, -1, SEM_UNDO};
    return ::semop(undone_id, &take, 1);
  });
  ChildProcess new_holder([undone_id] {
    sembuf take{0, -1, 0};
    ::semop(undone_id, &take, 1);
    for (;;) ::pause();
  });

  // (e) A queue whose receiver died with messages left: stalled.
  TestMsgQueue abandoned(0600);
  abandoned.Send(10);
  abandoned.Send(10);
  const int abandoned_id = abandoned.id();
  auto [dead_receiver_pid, ignored_e] = RunToCompletion([abandoned_id] {
    char buffer[sizeof(long) + 64];
    return static_cast<int>(::msgrcv(abandoned_id, buffer, 64, 0, IPC_NOWAIT));
  });

  // (f) A queue served by a living process, with a message waiting for it.
  TestMsgQueue served(0600);
  served.Send(10);
  served.Send(10);
  const int served_id = served.id();
  LingeringChild receiver([served_id] {
    char buffer[sizeof(long) + 64];
    return static_cast<int>(::msgrcv(served_id, buffer, 64, 0, IPC_NOWAIT));
  });

  // (g) A queue nobody ever received from, its last send older than the 1 s threshold.
  TestMsgQueue unread(0600);
  unread.Send(10);

  ASSERT_TRUE(WaitFor([&] {
    return crashed_lock.Count(0, GETNCNT) == 1 && undone_lock.Count(0, GETNCNT) == 0 &&
           undone_lock.Count(0, GETPID) == new_holder.pid();
  })) << "semaphore children did not settle";
  ::sleep(2);  // lets (g) age past the threshold

  ExporterProcess exporter({"--collector.shm.attachers", "--collector.msg.stall-threshold=1s"});
  std::vector<ParsedSample> s =
      ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body);
  auto shm = [](int id) {
    return std::map<std::string, std::string>{{"shmid", std::to_string(id)}};
  };
  auto sem = [](int id) {
    return std::map<std::string, std::string>{{"semid", std::to_string(id)}, {"semnum", "0"}};
  };
  auto semid = [](int id) {
    return std::map<std::string, std::string>{{"semid", std::to_string(id)}};
  };
  auto msq = [](int id) {
    return std::map<std::string, std::string>{{"msqid", std::to_string(id)}};
  };

  // (a)
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_creator_pid", shm(leaked_id)),
            std::to_string(leaker_pid));
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_creator_alive", shm(leaked_id)), "0");
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_orphaned", shm(leaked_id)), "1");
  // (b)
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_creator_alive", shm(holder.value())), "1");
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_orphaned", shm(holder.value())), "0");
  auto holder_info = shm(holder.value());
  holder_info["creator_command"] = "ipc-holder";
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_info", holder_info), "1");
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_attacher_info",
                       {{"shmid", std::to_string(holder.value())},
                        {"pid", std::to_string(holder.pid())},
                        {"command", "ipc-holder"}}),
            "1");
  EXPECT_EQ(FindSamples(s, "ipc_shm_segment_attacher_info", shm(leaked_id)).size(), 0u);
  // (c)
  EXPECT_EQ(FindSample(s, "ipc_sem_value", sem(crashed_id)), "0");
  EXPECT_EQ(FindSample(s, "ipc_sem_ncount", sem(crashed_id)), "1");
  EXPECT_EQ(FindSample(s, "ipc_sem_last_operation_pid", sem(crashed_id)),
            std::to_string(crasher_pid));
  EXPECT_EQ(FindSample(s, "ipc_sem_last_operator_alive", sem(crashed_id)), "0");
  EXPECT_EQ(FindSample(s, "ipc_sem_stuck", sem(crashed_id)), "1");
  // Somebody waits on it: in use, so never "orphaned" (that would advise removing it).
  EXPECT_EQ(FindSample(s, "ipc_sem_array_application_alive", semid(crashed_id)), "1");
  EXPECT_EQ(FindSample(s, "ipc_sem_array_orphaned", semid(crashed_id)), "0");
  // (d)
  EXPECT_EQ(FindSample(s, "ipc_sem_value", sem(undone_id)), "0");
  EXPECT_EQ(FindSample(s, "ipc_sem_ncount", sem(undone_id)), "0");
  EXPECT_EQ(FindSample(s, "ipc_sem_last_operation_pid", sem(undone_id)),
            std::to_string(new_holder.pid()));
  EXPECT_EQ(FindSample(s, "ipc_sem_last_operator_alive", sem(undone_id)), "1");
  EXPECT_EQ(FindSample(s, "ipc_sem_stuck", sem(undone_id)), "0");
  EXPECT_EQ(FindSample(s, "ipc_sem_array_orphaned", semid(undone_id)), "0");
  // (e)
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_messages", msq(abandoned_id)), "1");
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_last_receive_pid", msq(abandoned_id)),
            std::to_string(dead_receiver_pid));
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_last_receiver_alive", msq(abandoned_id)), "0");
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_stalled", msq(abandoned_id)), "1");
  // (f)
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_messages", msq(served_id)), "1");
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_last_receiver_alive", msq(served_id)), "1");
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_stalled", msq(served_id)), "0");
  // (g): never received, so the receiver is unknown, not dead: a finding of its own.
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_last_receiver_alive", msq(unread.id())), std::nullopt);
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_stalled", msq(unread.id())), "0");
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_never_received", msq(unread.id())), "1");
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_never_received", msq(abandoned_id)), "0");

  HttpResponse page = HttpRequest(exporter.port(), "GET", "/");
  ASSERT_EQ(page.status, 200);
  const std::set<std::string> expected = {
      "orphaned segment " + std::to_string(leaked_id),
      "stuck semaphore " + std::to_string(crashed_id) + "/0",
      "stalled queue " + std::to_string(abandoned_id),
  };
  EXPECT_EQ(AttentionIds(page.body), expected) << page.body;
  EXPECT_NE(page.body.find("<table id=\"limits\">"), std::string::npos);
}

// A never-attached segment whose creator died, whose pid was then reused by a process started
// after the creation, and which someone then changed with IPC_SET (ctime moves past the new
// process's start): the exporter that saw the segment before still knows its creation bound.
TEST(LiveDiagnosis, IpcSetCannotMakeAReusedPidPassForTheCreator) {
  LeakedSegment leaked(4096);
  const pid_t creator = leaked.creator();
  ExporterProcess exporter;
  auto shm = std::map<std::string, std::string>{{"shmid", std::to_string(leaked.id())}};
  std::vector<ParsedSample> before =
      ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body);
  ASSERT_EQ(FindSample(before, "ipc_shm_segment_orphaned", shm), "1");
  ::sleep(2);  // the new process must start well after the segment was created

  // Hand the creator's pid to a new process: the kernel gives out ns_last_pid + 1 next.
  std::unique_ptr<ChildProcess> impostor;
  for (int attempt = 0; attempt < 50 && !impostor; ++attempt) {
    FILE* last_pid = std::fopen("/proc/sys/kernel/ns_last_pid", "w");
    ASSERT_NE(last_pid, nullptr) << "needs root";
    std::fprintf(last_pid, "%d", creator - 1);
    std::fclose(last_pid);
    auto child = std::make_unique<ChildProcess>([] {
      ::prctl(PR_SET_NAME, "sleep");
      for (;;) ::pause();
    });
    if (child->pid() == creator) impostor = std::move(child);
  }
  ASSERT_TRUE(impostor) << "pid " << creator << " could not be reused";
  shmid_ds info{};
  ASSERT_EQ(::shmctl(leaked.id(), IPC_STAT, &info), 0);
  info.shm_perm.mode = 0640;
  ASSERT_EQ(::shmctl(leaked.id(), IPC_SET, &info), 0);  // ctime moves to now

  std::vector<ParsedSample> after =
      ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body);
  EXPECT_EQ(FindSample(after, "ipc_shm_segment_creator_pid", shm), std::to_string(creator));
  const std::string ctime_key = "ipc_shm_segment_change_timestamp_seconds";
  EXPECT_GT(std::stoll(FindSample(after, ctime_key, shm).value_or("0")),
            std::stoll(FindSample(before, ctime_key, shm).value_or("0")) + 1)
      << "IPC_SET did not move ctime past the impostor's start";
  EXPECT_EQ(FindSample(after, "ipc_shm_segment_creator_alive", shm), "0");
  EXPECT_EQ(FindSample(after, "ipc_shm_segment_orphaned", shm), "1");
  auto info_labels = shm;
  info_labels["creator_command"] = "";
  EXPECT_EQ(FindSample(after, "ipc_shm_segment_info", info_labels), "1");
}

}  // namespace
}  // namespace ipc_exporter::testing
