// --collector.activity on the real kernel: the real binary loads its BPF programs, children
// make exactly known IPC calls, and the scrape over 127.0.0.1 must count exactly those, file
// waits in the right histogram bucket, name the remover, keep an object created and removed
// between two scrapes, and label another namespace's calls with that namespace. Where BPF
// cannot load (no CAP_BPF, no BTF, no tracefs) the tests are skipped with the exporter's reason
// printed; the unprivileged fallback is tested everywhere.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "exporter_process.h"
#include "exposition.h"
#include "http_client.h"
#include "ipc_objects.h"

namespace ipc_exporter::testing {
namespace {

/// Runs `body` in a forked child (raw syscalls only) and waits for it; false if it failed.
bool RunChild(const std::function<bool()>& body) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(body() ? 0 : 1);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string SampleOf(const std::vector<ParsedSample>& samples, const std::string& name,
                     const std::map<std::string, std::string>& labels) {
  return FindSample(samples, name, labels).value_or("absent");
}

class ActivityLive : public ::testing::Test {
 protected:
  void Start(const std::vector<std::string>& extra = {}) {
    MountTracefsIfMissing();
    std::vector<std::string> args = {"--collector.activity"};
    args.insert(args.end(), extra.begin(), extra.end());
    exporter_ = std::make_unique<ExporterProcess>(args);
    const auto samples = Scrape();
    if (FindSample(samples, "ipc_exporter_activity_enabled") == "0") {
      for (const ParsedSample& sample : samples) {
        if (sample.name == "ipc_exporter_activity_enabled") {
          GTEST_SKIP() << "BPF cannot load on this machine: " << sample.labels.at("reason");
        }
      }
    }
    ASSERT_EQ(FindSample(samples, "ipc_exporter_activity_enabled"), "1");
  }
  std::vector<ParsedSample> Scrape() {
    HttpResponse response = HttpRequest(exporter_->port(), "GET", "/metrics");
    EXPECT_EQ(response.status, 200);
    return ParseExposition(response.body);
  }
  std::string Page() { return HttpRequest(exporter_->port(), "GET", "/").body; }

  std::unique_ptr<ExporterProcess> exporter_;
};

TEST_F(ActivityLive, CountersMoveByExactlyTheCallsChildrenMade) {
  Start();
  if (IsSkipped()) return;
  constexpr int kSemops = 37, kMessages = 23, kAttaches = 11, kMessageBytes = 16;
  TestSemArray array(1, 0600);
  TestMsgQueue queue(0600);
  TestShm segment(4096, 0600);
  const int semid = array.id(), msqid = queue.id(), shmid = segment.id();
  ASSERT_TRUE(RunChild([&] {
    for (int i = 0; i < kSemops; ++i) {
      sembuf op{0, static_cast<short>(i % 2 == 0 ? 1 : -1), 0};  // never blocks
      if (::semop(semid, &op, 1) != 0) return false;
    }
    struct {
      long type;
      char text[kMessageBytes];
    } message{1, {}};
    for (int i = 0; i < kMessages; ++i) {
      if (::msgsnd(msqid, &message, kMessageBytes, 0) != 0) return false;
      if (::msgrcv(msqid, &message, kMessageBytes, 0, 0) != kMessageBytes) return false;
    }
    for (int i = 0; i < kAttaches; ++i) {
      void* address = ::shmat(shmid, nullptr, 0);
      if (address == reinterpret_cast<void*>(-1) || ::shmdt(address) != 0) return false;
    }
    return true;
  }));
  const auto samples = Scrape();
  const std::map<std::string, std::string> sem{{"semid", std::to_string(semid)}};
  const std::map<std::string, std::string> msg{{"msqid", std::to_string(msqid)}};
  const std::map<std::string, std::string> shm{{"shmid", std::to_string(shmid)}};
  EXPECT_EQ(SampleOf(samples, "ipc_sem_array_operations_total", sem), std::to_string(kSemops));
  // No call blocked: no wait histogram (its 22 series would all read 0).
  EXPECT_EQ(SampleOf(samples, "ipc_sem_array_wait_seconds_count", sem), "absent");
  EXPECT_EQ(SampleOf(samples, "ipc_msg_queue_sent_messages_total", msg), std::to_string(kMessages));
  EXPECT_EQ(SampleOf(samples, "ipc_msg_queue_received_messages_total", msg),
            std::to_string(kMessages));
  EXPECT_EQ(SampleOf(samples, "ipc_msg_queue_sent_bytes_total", msg),
            std::to_string(kMessages * kMessageBytes));
  EXPECT_EQ(SampleOf(samples, "ipc_msg_queue_received_bytes_total", msg),
            std::to_string(kMessages * kMessageBytes));
  EXPECT_EQ(SampleOf(samples, "ipc_shm_segment_attaches_total", shm), std::to_string(kAttaches));
  EXPECT_EQ(SampleOf(samples, "ipc_shm_segment_detaches_total", shm), std::to_string(kAttaches));
  // The three were created while the exporter traced: the page lists their creation.
  const std::string page = Page();
  EXPECT_NE(page.find("semaphore array " + std::to_string(semid) + ", created"), std::string::npos);
  EXPECT_NE(page.find("queue " + std::to_string(msqid) + ", created"), std::string::npos);
  EXPECT_NE(page.find("segment " + std::to_string(shmid) + ", created"), std::string::npos);
}

TEST_F(ActivityLive, AWaiterBlockedThreeHundredMillisecondsLandsInTheHalfSecondBucket) {
  Start();
  if (IsSkipped()) return;
  TestSemArray array(1, 0600);  // value 0: a decrement waits
  const int semid = array.id();
  pid_t waiter = ::fork();
  if (waiter == 0) {
    sembuf op{0, -1, 0};
    ::_exit(::semop(semid, &op, 1) == 0 ? 0 : 1);
  }
  ASSERT_TRUE(WaitFor([&] { return array.Count(0, GETNCNT) == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  array.Operate(0, 1);
  int status = 0;
  ::waitpid(waiter, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  const auto samples = Scrape();
  auto bucket = [&](const std::string& le) {
    return SampleOf(samples, "ipc_sem_array_wait_seconds_bucket",
                    {{"semid", std::to_string(semid)}, {"le", le}});
  };
  EXPECT_EQ(bucket("0.25"), "0");
  EXPECT_EQ(bucket("0.5"), "1");
  EXPECT_EQ(bucket("+Inf"), "1");
  EXPECT_EQ(SampleOf(samples, "ipc_sem_array_operations_total", {{"semid", std::to_string(semid)}}),
            "2");  // the waiter's and the release
}

TEST_F(ActivityLive, ASenderBlockedOnAFullQueueLandsInTheHalfSecondBucket) {
  Start();
  if (IsSkipped()) return;
  TestMsgQueue queue(0600);
  queue.SetCapacity(64);
  queue.Send(64);  // full
  const int msqid = queue.id();
  pid_t sender = ::fork();
  if (sender == 0) {
    struct {
      long type;
      char text[16];
    } message{1, {}};
    ::_exit(::msgsnd(msqid, &message, sizeof(message.text), 0) == 0 ? 0 : 1);
  }
  // Blocked when its state reads S (sleeping) in the queue's wait.
  ASSERT_TRUE(WaitFor([&] { return IsSleeping(sender); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  queue.Receive();
  int status = 0;
  ::waitpid(sender, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  const auto samples = Scrape();
  auto bucket = [&](const std::string& le) {
    return SampleOf(samples, "ipc_msg_queue_send_wait_seconds_bucket",
                    {{"msqid", std::to_string(msqid)}, {"le", le}});
  };
  EXPECT_EQ(bucket("0.25"), "0");
  EXPECT_EQ(bucket("0.5"), "1");
  EXPECT_EQ(SampleOf(samples, "ipc_msg_queue_receive_wait_seconds_count",
                     {{"msqid", std::to_string(msqid)}}),
            "absent");  // no receiver waited
}

TEST_F(ActivityLive, TheRemoverIsNamedWithItsPidAndUid) {
  Start();
  if (IsSkipped()) return;
  TestShm segment(4096, 0600);
  const int shmid = segment.id();
  pid_t remover = ::fork();
  if (remover == 0) {
    ::prctl(PR_SET_NAME, "remover");
    ::_exit(::shmctl(shmid, IPC_RMID, nullptr) == 0 ? 0 : 1);
  }
  int status = 0;
  ::waitpid(remover, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  EXPECT_TRUE(WaitFor([&] {
    return SampleOf(Scrape(), "ipc_activity_objects_removed_total",
                    {{"kind", "shm"}, {"command", "remover"}}) == "1";
  }));
  const std::string expected = "segment " + std::to_string(shmid) + ", removed at ";
  const std::string page = Page();
  const size_t at = page.find(expected);
  ASSERT_NE(at, std::string::npos) << page.substr(0, 4000);
  const std::string by =
      "by remover (pid " + std::to_string(remover) + ", uid " + std::to_string(::getuid()) + ")";
  EXPECT_EQ(page.substr(at + expected.size() + 9, by.size()), by);  // past "HH:MM:SS "
}

TEST_F(ActivityLive, AnObjectCreatedAndRemovedBetweenScrapesStillShowsOnce) {
  Start();
  if (IsSkipped()) return;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_TRUE(RunChild([&] {
    int semid = ::semget(IPC_PRIVATE, 1, 0600);
    if (semid < 0) return false;
    for (int i = 0; i < 5; ++i) {
      sembuf op{0, static_cast<short>(i % 2 == 0 ? 1 : -1), 0};
      if (::semop(semid, &op, 1) != 0) return false;
    }
    if (::semctl(semid, 0, IPC_RMID) != 0) return false;
    return ::write(fds[1], &semid, sizeof(semid)) == sizeof(semid);
  }));
  int semid = -1;
  ASSERT_EQ(::read(fds[0], &semid, sizeof(semid)), static_cast<ssize_t>(sizeof(semid)));
  ::close(fds[0]);
  ::close(fds[1]);
  const std::map<std::string, std::string> sem{{"semid", std::to_string(semid)}};
  EXPECT_EQ(SampleOf(Scrape(), "ipc_sem_array_operations_total", sem), "5");
  const std::string page = Page();
  EXPECT_NE(page.find("semaphore array " + std::to_string(semid) + ", created"), std::string::npos);
  EXPECT_NE(page.find("semaphore array " + std::to_string(semid) + ", removed"), std::string::npos);
  // Published once after it went, then dropped with it.
  EXPECT_EQ(SampleOf(Scrape(), "ipc_sem_array_operations_total", sem), "absent");
}

TEST_F(ActivityLive, CallsInAnotherNamespaceCarryThatNamespacesLabel) {
  Start({"--ipc.namespaces=all"});
  if (IsSkipped()) return;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t child = ::fork();
  if (child == 0) {
    int semid = -1;
    if (::unshare(CLONE_NEWIPC) == 0) semid = ::semget(IPC_PRIVATE, 1, 0600);
    for (int i = 0; semid >= 0 && i < 9; ++i) {
      sembuf op{0, static_cast<short>(i % 2 == 0 ? 1 : -1), 0};
      ::semop(semid, &op, 1);
    }
    (void)!::write(fds[1], &semid, sizeof(semid));
    for (;;) ::pause();  // holds the namespace until killed
  }
  struct KillChild {
    pid_t pid;
    ~KillChild() {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  } kill_child{child};
  int semid = -1;
  ASSERT_EQ(::read(fds[0], &semid, sizeof(semid)), static_cast<ssize_t>(sizeof(semid)));
  ::close(fds[0]);
  ::close(fds[1]);
  ASSERT_GE(semid, 0) << "the child could not unshare its IPC namespace";
  struct stat child_namespace {};
  ASSERT_EQ(::stat(("/proc/" + std::to_string(child) + "/ns/ipc").c_str(), &child_namespace), 0);
  struct stat own_namespace {};
  ASSERT_EQ(::stat("/proc/self/ns/ipc", &own_namespace), 0);

  const auto samples = Scrape();
  EXPECT_EQ(SampleOf(samples, "ipc_sem_array_operations_total",
                     {{"ipc_namespace", std::to_string(child_namespace.st_ino)},
                      {"semid", std::to_string(semid)}}),
            "9");
  EXPECT_EQ(SampleOf(samples, "ipc_sem_array_operations_total",
                     {{"ipc_namespace", std::to_string(own_namespace.st_ino)},
                      {"semid", std::to_string(semid)}}),
            "absent");
}

TEST(ActivityUnprivileged, WithoutCapBpfTheScrapeSucceedsAndSaysWhy) {
  MountTracefsIfMissing();
  ExporterProcess exporter({"--collector.activity"}, /*run_as_uid=*/65534);
  HttpResponse response = HttpRequest(exporter.port(), "GET", "/metrics");
  ASSERT_EQ(response.status, 200);
  const auto samples = ParseExposition(response.body);
  const auto enabled = FindSamples(samples, "ipc_exporter_activity_enabled");
  ASSERT_EQ(enabled.size(), 1u);
  EXPECT_EQ(enabled[0].value, "0");
  EXPECT_NE(enabled[0].labels.at("reason").find("CAP_BPF"), std::string::npos)
      << enabled[0].labels.at("reason");
  EXPECT_TRUE(FindSample(samples, "ipc_shm_segments").has_value());  // everything else served
  EXPECT_EQ(FindSample(samples, "ipc_exporter_collector_success", {{"collector", "activity"}}),
            "1");
}

}  // namespace
}  // namespace ipc_exporter::testing

namespace ipc_exporter::testing {
namespace {

TEST_F(ActivityLive, ACreatorThatExitsBeforeAnyScrapeIsStillNamed) {
  Start();
  if (IsSkipped()) return;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_TRUE(RunChild([&] {
    ::prctl(PR_SET_NAME, "maker");
    int shmid = ::shmget(IPC_PRIVATE, 4096, 0600);
    return shmid >= 0 && ::write(fds[1], &shmid, sizeof(shmid)) == sizeof(shmid);
  }));
  int shmid = -1;
  ASSERT_EQ(::read(fds[0], &shmid, sizeof(shmid)), static_cast<ssize_t>(sizeof(shmid)));
  ::close(fds[0]);
  ::close(fds[1]);
  struct Remove {
    int id;
    ~Remove() { ::shmctl(id, IPC_RMID, nullptr); }
  } remove{shmid};
  // The creator is gone before the first scrape sees the segment: only its creation event
  // can name it.
  const auto samples = Scrape();
  const auto info =
      FindSamples(samples, "ipc_shm_segment_info", {{"shmid", std::to_string(shmid)}});
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0].labels.at("creator_command"), "maker");
}

}  // namespace
}  // namespace ipc_exporter::testing
