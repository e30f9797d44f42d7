// Multi-process patterns of our own, beside the real servers of tests/servers: a worker pool
// whose parent creates an array that only its short-lived children operate, and a short-lived
// helper that creates a segment for a long-lived daemon. Each runs as a user of its own in a
// private IPC namespace (no host object is involved); the exporter joins that namespace with
// nsenter, as it would a server's. While the applications run, nothing may read as orphaned;
// once their processes are killed, both objects must on the very next scrape.
#include <dirent.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <fstream>
#include <map>

#include "exporter_process.h"
#include "exposition.h"
#include "http_client.h"
#include "ipc_objects.h"

namespace ipc_exporter::testing {
namespace {

constexpr uid_t kPoolUser = 61001;    // no account: only this test runs processes as it
constexpr uid_t kDaemonUser = 61002;  // likewise

enum Tag : int { kSemid, kShmid, kPoolParent, kDaemon };

void SleepMs(long ms) {
  timespec pause{0, ms * 1000000};
  ::nanosleep(&pause, nullptr);
}

/// Writes one {tag, value} pair: a single write below PIPE_BUF, so pairs from several
/// processes never interleave.
void Report(int fd, Tag tag, int value) {
  int pair[2] = {tag, value};
  ssize_t ignored = ::write(fd, pair, sizeof(pair));
  (void)ignored;
}

void BecomeUser(const char* name, uid_t uid) {
  ::prctl(PR_SET_NAME, name);
  if (::setgid(uid) != 0 || ::setuid(uid) != 0) ::_exit(3);
}

/// The pool's parent: creates the array, then forks a worker every 50 ms that takes and gives
/// back the semaphore (SEM_UNDO) and exits at once, so the last operator is nearly always gone.
[[noreturn]] void RunPool(int report) {
  ::signal(SIGCHLD, SIG_DFL);
  BecomeUser("pool-master", kPoolUser);
  int semid = ::semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
  ::semctl(semid, 0, SETVAL, 1);
  Report(report, kSemid, semid);
  for (;;) {
    pid_t worker = ::fork();
    if (worker == 0) {
      sembuf take{0, -1, SEM_UNDO}, give{0, 1, SEM_UNDO};
      ::semop(semid, &take, 1);
      ::semop(semid, &give, 1);
      ::_exit(0);
    }
    ::waitpid(worker, nullptr, 0);
    SleepMs(50);
  }
}

/// The daemon: a helper (another program name, like an exec'd tool) creates the segment and
/// exits without attaching it; the daemon lives on and never attaches it either.
[[noreturn]] void RunDaemon(int report) {
  BecomeUser("ipc-daemon", kDaemonUser);
  pid_t helper = ::fork();
  if (helper == 0) {
    ::prctl(PR_SET_NAME, "ipc-helper");
    Report(report, kShmid, ::shmget(IPC_PRIVATE, 65536, IPC_CREAT | 0600));
    ::_exit(0);
  }
  ::waitpid(helper, nullptr, 0);
  for (;;) ::pause();
}

/// SIGKILL to every process running as `uid`, by pid.
void KillUser(uid_t uid) {
  DIR* proc = ::opendir("/proc");
  ASSERT_NE(proc, nullptr);
  while (const dirent* entry = ::readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0) continue;
    std::ifstream status("/proc/" + std::string(entry->d_name) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("Uid:", 0) == 0) {
        if (std::stoul(line.substr(4)) == uid) ::kill(pid, SIGKILL);
        break;
      }
    }
  }
  ::closedir(proc);
}

/// Processes left running as `uid`.
bool UserGone(uid_t uid) {
  bool gone = true;
  DIR* proc = ::opendir("/proc");
  while (const dirent* entry = proc ? ::readdir(proc) : nullptr) {
    if (std::atoi(entry->d_name) <= 0) continue;
    std::ifstream status("/proc/" + std::string(entry->d_name) + "/status");
    std::string line, state;
    while (std::getline(status, line)) {
      if (line.rfind("State:", 0) == 0) state = line;
      if (line.rfind("Uid:", 0) == 0 && std::stoul(line.substr(4)) == uid &&
          state.find('Z') == std::string::npos) {
        gone = false;
      }
    }
  }
  if (proc) ::closedir(proc);
  return gone;
}

TEST(LiveApplications, WorkerPoolAndHelperAreNotLeaksUntilTheirApplicationsDie) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ChildProcess holder([&] {
    // Holds the private IPC namespace; its children are reaped by the kernel.
    if (::unshare(CLONE_NEWIPC) != 0) ::_exit(2);
    ::prctl(PR_SET_NAME, "ns-holder");
    ::signal(SIGCHLD, SIG_IGN);
    pid_t pool = ::fork();
    if (pool == 0) RunPool(fds[1]);
    pid_t daemon = ::fork();
    if (daemon == 0) RunDaemon(fds[1]);
    Report(fds[1], kPoolParent, pool);
    Report(fds[1], kDaemon, daemon);
    for (;;) ::pause();
  });
  ::close(fds[1]);
  std::map<int, int> reported;
  for (int i = 0; i < 4; ++i) {
    int pair[2];
    ASSERT_EQ(::read(fds[0], pair, sizeof(pair)), static_cast<ssize_t>(sizeof(pair)));
    reported[pair[0]] = pair[1];
  }
  ::close(fds[0]);
  struct StopApplications {
    ~StopApplications() {
      KillUser(kPoolUser);
      KillUser(kDaemonUser);
    }
  } stop_applications;
  ASSERT_GE(reported[kSemid], 0);
  ASSERT_GE(reported[kShmid], 0);

  ExporterProcess exporter(
      {}, std::nullopt, {},
      {"nsenter", "--ipc=/proc/" + std::to_string(holder.pid()) + "/ns/ipc", "--"});
  const std::map<std::string, std::string> array = {{"semid", std::to_string(reported[kSemid])}};
  const std::map<std::string, std::string> segment = {{"shmid", std::to_string(reported[kShmid])}};
  auto scrape = [&] {
    return ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body);
  };

  bool dead_worker_seen = false;
  for (int i = 0; i < 10; ++i) {
    std::vector<ParsedSample> s = scrape();
    ASSERT_EQ(FindSample(s, "ipc_sem_array_orphaned", array), "0") << "scrape " << i;
    EXPECT_EQ(FindSample(s, "ipc_sem_array_application_alive", array), "1");
    auto semaphore = array;
    semaphore["semnum"] = "0";
    dead_worker_seen =
        dead_worker_seen || FindSample(s, "ipc_sem_last_operator_alive", semaphore) == "0";
    ASSERT_EQ(FindSample(s, "ipc_shm_segment_orphaned", segment), "0") << "scrape " << i;
    EXPECT_EQ(FindSample(s, "ipc_shm_segment_creator_alive", segment), "0");
    EXPECT_EQ(FindSample(s, "ipc_shm_segment_application_alive", segment), "1");
    SleepMs(300);
  }
  EXPECT_TRUE(dead_worker_seen) << "the scenario did not happen: a live worker every time";

  // The pool's parent and its workers die: the array is left to nobody.
  KillUser(kPoolUser);
  ASSERT_TRUE(WaitFor([] { return UserGone(kPoolUser); }));
  std::vector<ParsedSample> pool_gone = scrape();
  EXPECT_EQ(FindSample(pool_gone, "ipc_sem_array_application_alive", array), "0");
  EXPECT_EQ(FindSample(pool_gone, "ipc_sem_array_orphaned", array), "1");
  EXPECT_EQ(FindSample(pool_gone, "ipc_shm_segment_orphaned", segment), "0");  // daemon lives

  KillUser(kDaemonUser);
  ASSERT_TRUE(WaitFor([] { return UserGone(kDaemonUser); }));
  std::vector<ParsedSample> daemon_gone = scrape();
  EXPECT_EQ(FindSample(daemon_gone, "ipc_shm_segment_application_alive", segment), "0");
  EXPECT_EQ(FindSample(daemon_gone, "ipc_shm_segment_orphaned", segment), "1");
}

}  // namespace
}  // namespace ipc_exporter::testing
