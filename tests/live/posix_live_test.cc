// Named POSIX semaphores on the real system: the value and glibc's waiter count as the exporter
// reads them from /dev/shm, without ever opening the semaphore.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <mqueue.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include "exporter_process.h"
#include "exposition.h"
#include "http_client.h"
#include "ipc_objects.h"
#include "posix_objects.h"

namespace ipc_exporter::testing {
namespace {

std::optional<std::string> Sample(const ExporterProcess& exporter, const std::string& family,
                                  const std::string& name) {
  return FindSample(ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body), family,
                    {{"name", name}});
}

TEST(PosixSharedMemory, SizeOwnerAndTotalsOfRealObjects) {
  TestPosixShm object("/ipc-exporter-test-shm-" + std::to_string(::getpid()), 12288, 0640);
  const std::string& name = object.name();
  ExporterProcess exporter;
  std::vector<ParsedSample> s =
      ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body);
  EXPECT_EQ(FindSample(s, "ipc_posix_shm_object_size_bytes", {{"name", name}}), "12288");
  EXPECT_EQ(FindSample(s, "ipc_posix_shm_object_info", {{"name", name}, {"mode", "0640"}}), "1");
  struct stat info {};
  ASSERT_EQ(::stat(("/dev/shm" + name).c_str(), &info), 0) << std::strerror(errno);
  EXPECT_EQ(FindSample(s, "ipc_posix_shm_object_modification_timestamp_seconds", {{"name", name}}),
            std::to_string(info.st_mtim.tv_sec));
  EXPECT_GE(std::stoull(*FindSample(s, "ipc_posix_shm_size_bytes")), 12288u);
}

/// In a forked child: maps the object (and closes the descriptor unless `keep_open`), or only
/// keeps it open.
void MapObject(const char* name, bool keep_open = false) {
  int fd = ::shm_open(name, O_RDWR, 0);
  if (fd < 0 || ::mmap(nullptr, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED) ::_exit(1);
  if (!keep_open) ::close(fd);
  for (;;) ::pause();
}
void HoldObject(const char* name) {
  if (::shm_open(name, O_RDONLY, 0) < 0) ::_exit(1);
  for (;;) ::pause();
}

TEST(PosixSharedMemory, ProcessesThatMapOrHoldEachObjectAndOrphans) {
  const std::string prefix = "/ipc-exporter-test-holders-" + std::to_string(::getpid());
  TestPosixShm mapped_twice(prefix + "-mapped"), held(prefix + "-held"),
      mapped_and_held(prefix + "-both"), orphan(prefix + "-orphan");
  const char* mapped_name = mapped_twice.name().c_str();
  const char* held_name = held.name().c_str();
  const char* both_name = mapped_and_held.name().c_str();
  ChildProcess mapper1([&] { MapObject(mapped_name); });
  ChildProcess mapper2([&] { MapObject(mapped_name); });
  ChildProcess holder([&] { HoldObject(held_name); });
  // Maps it and keeps it open: one process, counted once.
  ChildProcess both([&] { MapObject(both_name, /*keep_open=*/true); });

  ExporterProcess exporter({"--collector.posix_shm.processes"});
  auto processes = [&](const TestPosixShm& object) {
    return Sample(exporter, "ipc_posix_shm_object_mapped_processes", object.name());
  };
  // The children may still be starting: wait until the last of them shows.
  ASSERT_TRUE(WaitFor([&] {
    return processes(mapped_twice) == "2" && processes(held) == "1" &&
           processes(mapped_and_held) == "1";
  })) << "mapped "
      << processes(mapped_twice).value_or("-") << ", held " << processes(held).value_or("-")
      << ", both " << processes(mapped_and_held).value_or("-");
  EXPECT_EQ(processes(orphan), "0");
  std::vector<ParsedSample> s =
      ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body);
  EXPECT_EQ(FindSample(s, "ipc_posix_shm_object_orphaned", {{"name", orphan.name()}}), "1");
  for (const TestPosixShm* used : {&mapped_twice, &held, &mapped_and_held}) {
    EXPECT_EQ(FindSample(s, "ipc_posix_shm_object_orphaned", {{"name", used->name()}}), "0");
  }
  EXPECT_TRUE(FindSample(s, "ipc_posix_shm_processes_unreadable").has_value());
}

TEST(PosixSharedMemory, ProcessCountsOnlyWhenAskedFor) {
  TestPosixShm object("/ipc-exporter-test-not-asked-" + std::to_string(::getpid()));
  ExporterProcess exporter;
  std::vector<ParsedSample> s =
      ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body);
  EXPECT_EQ(FindSample(s, "ipc_posix_shm_object_size_bytes", {{"name", object.name()}}), "4096");
  EXPECT_TRUE(FindSamples(s, "ipc_posix_shm_object_mapped_processes").empty());
  EXPECT_TRUE(FindSamples(s, "ipc_posix_shm_object_orphaned").empty());
}

TEST(PosixSemaphores, ValueAndWaitersAsTheKernelAndGlibcHoldThem) {
  const std::string counting = "/ipc-exporter-test-counting-" + std::to_string(::getpid());
  const std::string lock = "/ipc-exporter-test-lock-" + std::to_string(::getpid());
  TestNamedSemaphore three(counting, 3);
  TestNamedSemaphore taken(lock, 0);
  ChildProcess waiter([&] {
    sem_t* sem = ::sem_open(lock.c_str(), 0);
    ::sem_wait(sem);
  });
  ExporterProcess exporter;
  EXPECT_EQ(Sample(exporter, "ipc_posix_sem_value", counting), "3");
  EXPECT_EQ(Sample(exporter, "ipc_posix_sem_waiters", counting), "0");
  EXPECT_TRUE(WaitFor([&] { return Sample(exporter, "ipc_posix_sem_waiters", lock) == "1"; }))
      << "the waiting child never showed";
  EXPECT_EQ(Sample(exporter, "ipc_posix_sem_value", lock), "0");
  ASSERT_EQ(::sem_post(three.get()), 0);
  EXPECT_EQ(Sample(exporter, "ipc_posix_sem_value", counting), "4");
  int value = -1;
  ::sem_getvalue(three.get(), &value);
  EXPECT_EQ(value, 4) << "reading must not have changed it";
}

}  // namespace
}  // namespace ipc_exporter::testing

namespace ipc_exporter::testing {
namespace {

TEST(PosixMessageQueues, CountsBytesAndCapacityExactly) {
  MqueueMount mount;
  const std::string name = "/ipc-exporter-test-queue-" + std::to_string(::getpid());
  mq_attr attributes{};
  attributes.mq_maxmsg = 5;
  attributes.mq_msgsize = 64;
  mqd_t queue = ::mq_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0640, &attributes);
  ASSERT_NE(queue, static_cast<mqd_t>(-1)) << std::strerror(errno);
  struct Unlink {
    std::string name;
    mqd_t queue;
    ~Unlink() {
      ::mq_close(queue);
      ::mq_unlink(name.c_str());
    }
  } unlink{name, queue};
  ASSERT_EQ(::mq_send(queue, "hello", 5, 0), 0);
  ASSERT_EQ(::mq_send(queue, "0123456789", 10, 1), 0);

  ExporterProcess exporter;
  std::vector<ParsedSample> s =
      ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body);
  EXPECT_EQ(FindSample(s, "ipc_posix_mqueue_filesystem_mounted"), "1");
  EXPECT_EQ(FindSample(s, "ipc_posix_mqueue_messages", {{"name", name}}), "2");
  EXPECT_EQ(FindSample(s, "ipc_posix_mqueue_bytes", {{"name", name}}), "15");
  EXPECT_EQ(FindSample(s, "ipc_posix_mqueue_capacity_messages", {{"name", name}}), "5");
  EXPECT_EQ(FindSample(s, "ipc_posix_mqueue_message_size_bytes", {{"name", name}}), "64");
  EXPECT_EQ(FindSample(s, "ipc_posix_mqueue_info", {{"name", name}, {"mode", "0640"}}), "1");
  std::ifstream limit("/proc/sys/fs/mqueue/queues_max");
  std::string queues_max;
  limit >> queues_max;
  EXPECT_EQ(FindSample(s, "ipc_posix_mqueue_queues_limit"), queues_max);
  mq_attr after{};
  ASSERT_EQ(::mq_getattr(queue, &after), 0);
  EXPECT_EQ(after.mq_curmsgs, 2) << "reading must not have taken a message";
}

/// Runs `body` as `uid` in a child and waits for it; true if it exited 0.
bool RunAs(uid_t uid, const std::function<int()>& body) {
  pid_t child = ::fork();
  if (child == 0) {
    if (::setgid(uid) != 0 || ::setuid(uid) != 0) ::_exit(2);
    ::_exit(body());
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Another user's 0600 semaphore and queue, a stray sem.* file of the wrong size: listed and
// counted from stat(), marked unreadable, never a failed collector. As root the exporter drops
// CAP_DAC_OVERRIDE, so it may not read nobody's 0600 files either.
TEST(PosixUnreadable, OtherUsersObjectsAreListedAndMarkedNotFatal) {
  MqueueMount mount;
  const uid_t kNobody = 65534;
  const std::string tag = std::to_string(::getpid());
  const std::string theirs = "/ipc-exporter-test-theirs-" + tag;
  const std::string stray = "/dev/shm/sem.ipc-exporter-test-stray-" + tag;
  struct Cleanup {
    std::string theirs, stray;
    ~Cleanup() {
      ::sem_unlink(theirs.c_str());
      ::mq_unlink(theirs.c_str());
      ::unlink(stray.c_str());
    }
  } cleanup{theirs, stray};
  ASSERT_TRUE(RunAs(kNobody, [&] {
    sem_t* sem = ::sem_open(theirs.c_str(), O_CREAT | O_EXCL, 0600, 3);
    mq_attr attributes{};
    attributes.mq_maxmsg = 4;
    attributes.mq_msgsize = 16;
    mqd_t queue = ::mq_open(theirs.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600, &attributes);
    return sem != SEM_FAILED && queue != static_cast<mqd_t>(-1) ? 0 : 1;
  }));
  std::ofstream(stray).flush();  // `touch`: a sem.* file that holds no sem_t
  TestNamedSemaphore ours("/ipc-exporter-test-ours-" + tag, 5);

  ExporterProcess exporter;
  std::vector<ParsedSample> s =
      ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body);
  for (const char* collector : {"posix_sem", "posix_mqueue", "posix_shm"}) {
    EXPECT_EQ(FindSample(s, "ipc_exporter_collector_success", {{"collector", collector}}), "1")
        << collector << "\n"
        << exporter.Log();
  }
  // Theirs: listed with owner and mode, value unknown.
  EXPECT_EQ(
      FindSample(s, "ipc_posix_sem_info", {{"name", theirs}, {"uid", "65534"}, {"mode", "0600"}}),
      "1");
  EXPECT_EQ(FindSample(s, "ipc_posix_sem_value_readable", {{"name", theirs}}), "0");
  EXPECT_EQ(FindSample(s, "ipc_posix_sem_value", {{"name", theirs}}), std::nullopt);
  EXPECT_EQ(FindSample(s, "ipc_posix_mqueue_info", {{"name", theirs}, {"uid", "65534"}}), "1");
  EXPECT_EQ(FindSample(s, "ipc_posix_mqueue_readable", {{"name", theirs}}), "0");
  EXPECT_EQ(FindSample(s, "ipc_posix_mqueue_messages", {{"name", theirs}}), std::nullopt);
  // Ours: read as before.
  EXPECT_EQ(
      FindSample(s, "ipc_posix_sem_value_readable", {{"name", "/ipc-exporter-test-ours-" + tag}}),
      "1");
  EXPECT_EQ(FindSample(s, "ipc_posix_sem_value", {{"name", "/ipc-exporter-test-ours-" + tag}}),
            "5");
  // The stray file is no semaphore: not listed, but counted as ignored.
  EXPECT_EQ(FindSample(s, "ipc_posix_sem_info", {{"name", "/ipc-exporter-test-stray-" + tag}}),
            std::nullopt);
  EXPECT_GE(std::stoi(FindSample(s, "ipc_posix_sem_files_ignored").value_or("0")), 1);
  // Every semaphore listed is counted, readable or not.
  EXPECT_EQ(FindSample(s, "ipc_posix_sems"),
            std::to_string(FindSamples(s, "ipc_posix_sem_value_readable").size()));

  // As the shipped unit runs it (a dynamic user, no DAC capability): root's own 0600
  // semaphore is unreadable too, and still listed.
  ExporterProcess unprivileged({}, uid_t{65533});
  std::vector<ParsedSample> u =
      ParseExposition(HttpRequest(unprivileged.port(), "GET", "/metrics").body);
  EXPECT_EQ(FindSample(u, "ipc_exporter_collector_success", {{"collector", "posix_sem"}}), "1")
      << unprivileged.Log();
  EXPECT_EQ(
      FindSample(u, "ipc_posix_sem_value_readable", {{"name", "/ipc-exporter-test-ours-" + tag}}),
      "0");
  EXPECT_EQ(FindSample(u, "ipc_posix_sem_info",
                       {{"name", "/ipc-exporter-test-ours-" + tag}, {"uid", "0"}}),
            "1");
  EXPECT_EQ(FindSample(u, "ipc_exporter_collector_success", {{"collector", "posix_mqueue"}}), "1");
}

// Another user's process holding an object open (no mapping): found through its
// /proc/PID/fd, which the exporter may list only with CAP_DAC_READ_SEARCH (kept with the flag).
TEST(PosixSharedMemory, AnotherUsersProcessHoldingAnObjectIsCounted) {
  const std::string name = "/ipc-exporter-test-held-by-nobody-" + std::to_string(::getpid());
  TestPosixShm object(name, 4096, 0644);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ChildProcess holder([&] {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    int fd = ::shm_open(name.c_str(), O_RDONLY, 0);
    char ready = fd >= 0 && ::dup2(fd, 3) == 3 ? 'y' : 'n';  // fd 3 survives exec
    ssize_t ignored = ::write(fds[1], &ready, 1);
    (void)ignored;
    // A program exec'd as nobody is dumpable, so its /proc/PID/fd belongs to nobody (a process
    // that only changed its user would leave it to root).
    ::execl("/bin/sleep", "sleep", "600", static_cast<char*>(nullptr));
    ::_exit(3);
  });
  ::close(fds[1]);
  char ready = 0;
  ASSERT_EQ(::read(fds[0], &ready, 1), 1);
  ::close(fds[0]);
  ASSERT_EQ(ready, 'y') << "nobody could not open the object";
  ASSERT_TRUE(WaitFor([&] {
    std::ifstream comm("/proc/" + std::to_string(holder.pid()) + "/comm");
    std::string command;
    return std::getline(comm, command) && command == "sleep";
  })) << "the holder did not exec";

  ExporterProcess exporter({"--collector.posix_shm.processes"});
  std::vector<ParsedSample> s =
      ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body);
  EXPECT_EQ(FindSample(s, "ipc_posix_shm_object_mapped_processes", {{"name", name}}), "1");
  EXPECT_EQ(FindSample(s, "ipc_posix_shm_object_orphaned", {{"name", name}}), "0");
}

// One invalid UTF-8 byte from any local user (a /dev/shm name, a command set with prctl) must
// not make the scrape invalid: Prometheus would reject all of it.
TEST(LabelValues, InvalidUtf8FromLocalUsersKeepsTheScrapeValid) {
  const std::string bad_name =
      "/dev/shm/ipc-exporter-test-bad-" + std::to_string(::getpid()) + "\xff";
  struct Remove {
    std::string path;
    ~Remove() { ::unlink(path.c_str()); }
  } remove{bad_name};
  std::ofstream(bad_name) << "x";
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ChildProcess creator([&] {
    ::prctl(PR_SET_NAME, "bad\xff\xfeproc");
    int id = ::shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    ::shmat(id, nullptr, 0);
    ssize_t ignored = ::write(fds[1], &id, sizeof(id));
    (void)ignored;
    for (;;) ::pause();
  });
  ::close(fds[1]);
  int shmid = -1;
  ASSERT_EQ(::read(fds[0], &shmid, sizeof(shmid)), static_cast<ssize_t>(sizeof(shmid)));
  ::close(fds[0]);
  struct RemoveSegment {
    int id;
    ~RemoveSegment() { ::shmctl(id, IPC_RMID, nullptr); }
  } remove_segment{shmid};

  ExporterProcess exporter;
  const std::string body = HttpRequest(exporter.port(), "GET", "/metrics").body;
  CommandResult promtool = RunCommand({"promtool", "check", "metrics"}, 60, body);
  EXPECT_EQ(promtool.exit_code, 0) << promtool.out << promtool.err;
  EXPECT_EQ(body.find("\xff"), std::string::npos);
  std::vector<ParsedSample> s = ParseExposition(body);
  EXPECT_EQ(FindSample(s, "ipc_posix_shm_object_size_bytes",
                       {{"name",
                         "/ipc-exporter-test-bad-" + std::to_string(::getpid()) + "\xEF\xBF\xBD"}}),
            "1");
  auto info = std::map<std::string, std::string>{
      {"shmid", std::to_string(shmid)}, {"creator_command", "bad\xEF\xBF\xBD\xEF\xBF\xBDproc"}};
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_info", info), "1");
}

}  // namespace
}  // namespace ipc_exporter::testing
