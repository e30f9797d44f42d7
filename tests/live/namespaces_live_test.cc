// IPC namespaces on the real kernel: children that unshare their IPC namespace (and, for the
// POSIX case, their mount namespace) hold objects there, and one scrape of the real binary with
// --ipc.namespaces=all must list each object once, under its own namespace's label. Objects in a
// child's namespace go when the child is killed: the namespace dies with its last process.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <mqueue.h>
#include <poll.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

#include "exporter_process.h"
#include "exposition.h"
#include "http_client.h"
#include "ipc_objects.h"
#include "procfs/ipc_namespaces.h"

namespace ipc_exporter::testing {
namespace {

/// What a child makes in its new namespace. Everything the child touches is prepared before
/// the fork: after it, the child makes raw syscalls only.
struct ChildPlan {
  bool own_mounts = false;       // a mount namespace too, with its own /dev/shm and an mqueue mount
  size_t shm_size = 0;           // a System V segment of this size, if not 0
  int semaphores = 0;            // an array with values 7, 8, 9, ...
  int messages = 0;              // a queue holding this many messages of 10 bytes
  const char* shmmni = nullptr;  // written to the namespace's kernel.shmmni
  const char* posix_shm = nullptr;       // /dev/shm/NAME of 8192 bytes (with own_mounts)
  const char* posix_shm_held = nullptr;  // another, which the child keeps open
  const char* mqueue = nullptr;          // a POSIX queue "/NAME" holding "abc" (with own_mounts)
};

/// The ids the child got, or the step that failed and its errno.
struct ChildReport {
  int shmid = -1, semid = -1, msqid = -1;
  int error = 0;
  char failed_step[32] = {};
};

[[noreturn]] void ReportAndWait(int fd, ChildReport* report, const char* failed_step) {
  if (failed_step != nullptr) {
    report->error = errno;
    std::strncpy(report->failed_step, failed_step, sizeof(report->failed_step) - 1);
  }
  (void)!::write(fd, report, sizeof(*report));
  for (;;) ::pause();
}

void RunPlan(const ChildPlan& plan, int fd) {
  ChildReport report;
  if (::unshare(CLONE_NEWIPC | (plan.own_mounts ? CLONE_NEWNS : 0)) != 0) {
    ReportAndWait(fd, &report, "unshare");
  }
  if (plan.own_mounts) {
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("tmpfs", "/dev/shm", "tmpfs", 0, "size=1m") != 0 ||
        ::mount("tmpfs", "/mnt", "tmpfs", 0, "size=1m") != 0 || ::mkdir("/mnt/mqueue", 0755) ||
        ::mount("mqueue", "/mnt/mqueue", "mqueue", 0, nullptr) != 0) {
      ReportAndWait(fd, &report, "mount");
    }
  }
  if (plan.shmmni != nullptr) {
    int sysctl = ::open("/proc/sys/kernel/shmmni", O_WRONLY);
    if (sysctl < 0 || ::write(sysctl, plan.shmmni, std::strlen(plan.shmmni)) < 0) {
      ReportAndWait(fd, &report, "shmmni");
    }
    ::close(sysctl);
  }
  if (plan.shm_size != 0) {
    report.shmid = ::shmget(IPC_PRIVATE, plan.shm_size, IPC_CREAT | 0600);
    if (report.shmid < 0) ReportAndWait(fd, &report, "shmget");
  }
  if (plan.semaphores > 0) {
    report.semid = ::semget(IPC_PRIVATE, plan.semaphores, IPC_CREAT | 0600);
    unsigned short values[8] = {7, 8, 9, 10, 11, 12, 13, 14};
    if (report.semid < 0 || ::semctl(report.semid, 0, SETALL, values) != 0) {
      ReportAndWait(fd, &report, "semget");
    }
  }
  if (plan.messages > 0) {
    report.msqid = ::msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    struct {
      long type;
      char text[10];
    } message = {1, {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9'}};
    for (int i = 0; i < plan.messages; ++i) {
      if (report.msqid < 0 || ::msgsnd(report.msqid, &message, sizeof(message.text), 0) != 0) {
        ReportAndWait(fd, &report, "msgsnd");
      }
    }
  }
  if (plan.posix_shm != nullptr) {
    int object = ::open(plan.posix_shm, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (object < 0 || ::ftruncate(object, 8192) != 0) ReportAndWait(fd, &report, "shm_open");
    ::close(object);
  }
  if (plan.posix_shm_held != nullptr &&
      ::open(plan.posix_shm_held, O_CREAT | O_EXCL | O_RDWR, 0600) < 0) {
    ReportAndWait(fd, &report, "open held");
  }
  if (plan.mqueue != nullptr) {
    mq_attr attributes{};
    attributes.mq_maxmsg = 4;
    attributes.mq_msgsize = 32;
    mqd_t queue = ::mq_open(plan.mqueue, O_CREAT | O_EXCL | O_RDWR, 0600, &attributes);
    if (queue == static_cast<mqd_t>(-1) || ::mq_send(queue, "abc", 3, 0) != 0) {
      ReportAndWait(fd, &report, "mq_open");
    }
  }
  ReportAndWait(fd, &report, nullptr);
}

uint64_t NamespaceOf(const std::string& pid) {
  int error = 0;
  std::optional<uint64_t> inode = ReadIpcNamespaceLink("/proc/" + pid + "/ns/ipc", &error);
  if (!inode) throw std::runtime_error("cannot read the IPC namespace of " + pid);
  return *inode;
}

/// A child in an IPC namespace of its own, killed (and its namespace with it) at the end.
class NamespacedChild {
 public:
  explicit NamespacedChild(const ChildPlan& plan) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe");
    child_ = std::make_unique<ChildProcess>([&] { RunPlan(plan, fds[1]); });
    ::close(fds[1]);
    pollfd ready{fds[0], POLLIN, 0};
    char bytes[sizeof(ChildReport)];
    bool answered = ::poll(&ready, 1, 10000) == 1 &&
                    ::read(fds[0], bytes, sizeof(bytes)) == static_cast<ssize_t>(sizeof(bytes));
    ::close(fds[0]);
    if (answered) std::memcpy(&report_, bytes, sizeof(bytes));
    if (!answered) throw std::runtime_error("the namespaced child did not answer");
    if (report_.error != 0) {
      throw std::runtime_error(std::string("child: ") + report_.failed_step + ": " +
                               std::strerror(report_.error));
    }
    inode_ = NamespaceOf(std::to_string(child_->pid()));
  }
  const ChildReport& report() const { return report_; }
  pid_t pid() const { return child_->pid(); }
  std::string label() const { return std::to_string(inode_); }

 private:
  std::unique_ptr<ChildProcess> child_;
  ChildReport report_;
  uint64_t inode_ = 0;
};

std::string ReadComm(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/comm");
  std::string comm;
  std::getline(file, comm);
  return comm;
}

std::vector<ParsedSample> ScrapeAll(const ExporterProcess& exporter) {
  HttpResponse response = HttpRequest(exporter.port(), "GET", "/metrics");
  EXPECT_EQ(response.status, 200);
  CommandResult promtool = RunCommand({"promtool", "check", "metrics"}, 60, response.body);
  EXPECT_EQ(promtool.out + promtool.err, "") << "promtool found problems";
  return ParseExposition(response.body);
}

TEST(IpcNamespaces, EachObjectOnceUnderItsOwnNamespace) {
  const std::string host = std::to_string(NamespaceOf("self"));
  TestShm host_segment(40961, 0600);
  ChildPlan plan_a;
  plan_a.shm_size = 40963;
  plan_a.semaphores = 3;
  plan_a.messages = 2;
  plan_a.shmmni = "123";
  NamespacedChild a(plan_a);
  ChildPlan plan_b;
  plan_b.shm_size = 40967;
  NamespacedChild b(plan_b);
  ASSERT_NE(a.label(), host);
  ASSERT_NE(a.label(), b.label());

  ExporterProcess exporter({"--ipc.namespaces=all"});
  std::vector<ParsedSample> s = ScrapeAll(exporter);

  // Each segment once, under its own namespace; ids repeat across namespaces, so the value
  // tells them apart.
  auto namespaces_with_size = [&](const std::string& size) {
    std::vector<std::string> labels;
    for (const ParsedSample& sample : FindSamples(s, "ipc_shm_segment_size_bytes")) {
      if (sample.value == size) labels.push_back(sample.labels.at("ipc_namespace"));
    }
    return labels;
  };
  EXPECT_EQ(namespaces_with_size("40961"), std::vector<std::string>{host});
  EXPECT_EQ(namespaces_with_size("40963"), std::vector<std::string>{a.label()});
  EXPECT_EQ(namespaces_with_size("40967"), std::vector<std::string>{b.label()});
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_size_bytes",
                       {{"ipc_namespace", host}, {"shmid", std::to_string(host_segment.id())}}),
            "40961");
  const std::string a_shmid = std::to_string(a.report().shmid);
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_size_bytes",
                       {{"ipc_namespace", a.label()}, {"shmid", a_shmid}}),
            "40963");
  EXPECT_EQ(FindSample(s, "ipc_shm_segments", {{"ipc_namespace", a.label()}}), "1");
  EXPECT_EQ(FindSample(s, "ipc_shm_segments", {{"ipc_namespace", b.label()}}), "1");

  // Semaphore values and queue contents are read inside the namespace (semctl, msgctl).
  const std::string semid = std::to_string(a.report().semid);
  for (int semnum = 0; semnum < 3; ++semnum) {
    EXPECT_EQ(
        FindSample(
            s, "ipc_sem_value",
            {{"ipc_namespace", a.label()}, {"semid", semid}, {"semnum", std::to_string(semnum)}}),
        std::to_string(7 + semnum));
  }
  EXPECT_EQ(FindSample(s, "ipc_sem_array_values_readable",
                       {{"ipc_namespace", a.label()}, {"semid", semid}}),
            "1");
  const std::string msqid = std::to_string(a.report().msqid);
  EXPECT_EQ(
      FindSample(s, "ipc_msg_queue_messages", {{"ipc_namespace", a.label()}, {"msqid", msqid}}),
      "2");
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_bytes", {{"ipc_namespace", a.label()}, {"msqid", msqid}}),
            "20");
  EXPECT_EQ(FindSample(s, "ipc_msg_queues", {{"ipc_namespace", b.label()}}), "0");

  // Limits are per namespace: A's own shmmni, the host's unchanged.
  EXPECT_EQ(FindSample(s, "ipc_shm_segments_limit", {{"ipc_namespace", a.label()}}), "123");
  std::ifstream host_shmmni_file("/proc/sys/kernel/shmmni");
  std::string host_shmmni;
  host_shmmni_file >> host_shmmni;
  EXPECT_EQ(FindSample(s, "ipc_shm_segments_limit", {{"ipc_namespace", host}}), host_shmmni);

  // Every sample of the collectors carries the label.
  for (const ParsedSample& sample : s) {
    if (sample.name.rfind("ipc_exporter_", 0) == 0 || sample.name.rfind("process_", 0) == 0 ||
        sample.name == "ipc_namespaces") {
      continue;
    }
    EXPECT_EQ(sample.labels.count("ipc_namespace"), 1u) << sample.name;
  }

  // Described by their one process.
  EXPECT_EQ(FindSample(s, "ipc_namespace_info",
                       {{"ipc_namespace", a.label()},
                        {"pid", std::to_string(a.pid())},
                        {"command", ReadComm(a.pid())},
                        {"container_id", ""}}),
            "1");
  EXPECT_EQ(FindSample(s, "ipc_namespace_info", {{"ipc_namespace", b.label()}}), "1");
  EXPECT_EQ(FindSample(s, "ipc_namespace_info", {{"ipc_namespace", host}}), "1");
  EXPECT_GE(std::stoi(*FindSample(s, "ipc_namespaces")), 3);
  EXPECT_EQ(FindSample(s, "ipc_exporter_ipc_namespaces_skipped", {{"reason", "denied"}}), "0");
}

TEST(IpcNamespaces, PosixObjectsOfANamespaceWithItsOwnMounts) {
  const std::string host = std::to_string(NamespaceOf("self"));
  ChildPlan plan;
  plan.own_mounts = true;
  plan.shm_size = 40971;
  plan.posix_shm = "/dev/shm/ipc-exporter-ns-object";
  plan.mqueue = "/ipc-exporter-ns-queue";
  NamespacedChild child(plan);

  ExporterProcess exporter({"--ipc.namespaces=all"});
  std::vector<ParsedSample> s = ScrapeAll(exporter);
  const std::string object = "/ipc-exporter-ns-object";
  EXPECT_EQ(FindSample(s, "ipc_posix_shm_object_size_bytes",
                       {{"ipc_namespace", child.label()}, {"name", object}}),
            "8192");
  EXPECT_EQ(FindSamples(s, "ipc_posix_shm_object_size_bytes", {{"name", object}}).size(), 1u)
      << "the object is in the child's /dev/shm only";
  EXPECT_EQ(FindSample(s, "ipc_posix_shm_objects", {{"ipc_namespace", child.label()}}), "1");

  const std::string queue = "/ipc-exporter-ns-queue";
  EXPECT_EQ(
      FindSample(s, "ipc_posix_mqueue_filesystem_mounted", {{"ipc_namespace", child.label()}}),
      "1");
  EXPECT_EQ(FindSample(s, "ipc_posix_mqueue_messages",
                       {{"ipc_namespace", child.label()}, {"name", queue}}),
            "1");
  EXPECT_EQ(
      FindSample(s, "ipc_posix_mqueue_bytes", {{"ipc_namespace", child.label()}, {"name", queue}}),
      "3");
  EXPECT_EQ(FindSample(s, "ipc_posix_mqueue_capacity_messages",
                       {{"ipc_namespace", child.label()}, {"name", queue}}),
            "4");
  EXPECT_EQ(FindSample(s, "ipc_posix_mqueue_message_size_bytes",
                       {{"ipc_namespace", child.label()}, {"name", queue}}),
            "32");
  EXPECT_EQ(FindSamples(s, "ipc_posix_mqueue_messages", {{"name", queue}}).size(), 1u);
  EXPECT_EQ(FindSample(s, "ipc_posix_mqueues", {{"ipc_namespace", child.label()}}), "1");
}

TEST(IpcNamespaces, HoldersOfEachNamespacesPosixObjects) {
  // Two namespaces with their own /dev/shm, each holding one of its two objects open: one scan
  // of the processes serves both, and each object is counted in its own namespace only.
  ChildPlan plan;
  plan.own_mounts = true;
  plan.posix_shm = "/dev/shm/ipc-exporter-ns-unheld";
  plan.posix_shm_held = "/dev/shm/ipc-exporter-ns-held";
  NamespacedChild first(plan), second(plan);
  ExporterProcess exporter({"--ipc.namespaces=all", "--collector.posix_shm.processes"});
  std::vector<ParsedSample> s = ScrapeAll(exporter);
  for (const NamespacedChild* child : {&first, &second}) {
    EXPECT_EQ(FindSample(s, "ipc_posix_shm_object_mapped_processes",
                         {{"ipc_namespace", child->label()}, {"name", "/ipc-exporter-ns-held"}}),
              "1");
    EXPECT_EQ(FindSample(s, "ipc_posix_shm_object_orphaned",
                         {{"ipc_namespace", child->label()}, {"name", "/ipc-exporter-ns-held"}}),
              "0");
    EXPECT_EQ(FindSample(s, "ipc_posix_shm_object_mapped_processes",
                         {{"ipc_namespace", child->label()}, {"name", "/ipc-exporter-ns-unheld"}}),
              "0");
    EXPECT_EQ(FindSample(s, "ipc_posix_shm_object_orphaned",
                         {{"ipc_namespace", child->label()}, {"name", "/ipc-exporter-ns-unheld"}}),
              "1");
  }
}

TEST(IpcNamespaces, ANamespaceKeptOnlyByABindMount) {
  ChildPlan plan;
  plan.shm_size = 40973;
  std::string holder = "/tmp/ipc-exporter-ns-" + std::to_string(::getpid());
  std::string label;
  {
    NamespacedChild child(plan);
    label = child.label();
    std::ofstream(holder).flush();
    ASSERT_EQ(::mount(("/proc/" + std::to_string(child.pid()) + "/ns/ipc").c_str(), holder.c_str(),
                      nullptr, MS_BIND, nullptr),
              0)
        << std::strerror(errno);
  }  // the child is gone; the mount keeps its namespace and segment
  struct Unmount {
    std::string path;
    ~Unmount() {
      ::umount2(path.c_str(), MNT_DETACH);
      ::unlink(path.c_str());
    }
  } unmount{holder};

  ExporterProcess exporter({"--ipc.namespaces=all"});
  std::vector<ParsedSample> s = ScrapeAll(exporter);
  EXPECT_EQ(
      FindSample(s, "ipc_namespace_info", {{"ipc_namespace", label}, {"pid", ""}, {"command", ""}}),
      "1");
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_size_bytes", {{"ipc_namespace", label}}), "40973");
}

TEST(IpcNamespaces, WithoutPrivilegesTheOwnNamespaceIsStillServed) {
  ChildPlan plan;
  plan.shm_size = 40977;
  NamespacedChild child(plan);
  const std::string host = std::to_string(NamespaceOf("self"));
  ExporterProcess exporter({"--ipc.namespaces=all"}, /*run_as_uid=*/65534);
  HttpResponse response = HttpRequest(exporter.port(), "GET", "/metrics");
  ASSERT_EQ(response.status, 200);
  std::vector<ParsedSample> s = ParseExposition(response.body);
  EXPECT_TRUE(FindSample(s, "ipc_shm_segments", {{"ipc_namespace", host}}).has_value());
  EXPECT_FALSE(FindSample(s, "ipc_namespace_info", {{"ipc_namespace", child.label()}}))
      << "nobody may not see a root process's namespace";
  EXPECT_GE(std::stoi(*FindSample(s, "ipc_exporter_ipc_namespace_processes_unreadable")), 1);
  EXPECT_TRUE(WaitFor([&] {
    return exporter.Log().find("needs CAP_SYS_ADMIN (setns) and CAP_SYS_PTRACE") !=
           std::string::npos;
  }));
}

TEST(IpcNamespaces, ANonRootUserWithTheDocumentedCapabilitiesCollectsEveryNamespace) {
  // What the systemd drop-in gives the DynamicUser service: CAP_SYS_ADMIN and CAP_SYS_PTRACE
  // beside CAP_IPC_OWNER, as ambient capabilities of an unprivileged uid.
  ChildPlan plan;
  plan.shm_size = 40979;
  plan.semaphores = 2;
  NamespacedChild child(plan);
  ExporterProcess exporter({"--ipc.namespaces=all"}, std::nullopt, {},
                           {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            "--inh-caps=-all,+ipc_owner,+sys_admin,+sys_ptrace",
                            "--ambient-caps=+ipc_owner,+sys_admin,+sys_ptrace"});
  std::vector<ParsedSample> s = ScrapeAll(exporter);
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_size_bytes", {{"ipc_namespace", child.label()}}),
            "40979");
  EXPECT_EQ(FindSample(s, "ipc_sem_value",
                       {{"ipc_namespace", child.label()},
                        {"semid", std::to_string(child.report().semid)},
                        {"semnum", "1"}}),
            "8")
      << "a root-only (0600) array read in the child's namespace with CAP_IPC_OWNER";
  EXPECT_EQ(FindSample(s, "ipc_exporter_ipc_namespaces_skipped", {{"reason", "denied"}}), "0");
}

// The attack of issue 13 item 8: nobody makes a user, IPC and mount namespace, mounts a tmpfs
// on /dev and points /dev/shm at a host directory only root may read. The exporter, root with
// --ipc.namespaces=all, used to follow the link from its own root and publish that directory.
TEST(IpcNamespaces, ANamespacesDevShmCannotPointTheExporterAtHostDirectories) {
  const std::string tag = std::to_string(::getpid());
  const std::string secret = "/var/lib/ipc_secret_" + tag;
  std::filesystem::create_directories(secret);
  ::chmod(secret.c_str(), 0700);
  std::ofstream(secret + "/top_secret_" + tag) << "x";
  const std::string script =
      "mount -t tmpfs none /dev && ln -s " + secret + " /dev/shm && exec sleep 60";
  ChildProcess attacker([&] {
    // nobody, then a user namespace of its own in which it may mount.
    std::vector<const char*> argv = {
        "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "unshare", "-Urim", "sh",
        "-c",      script.c_str(),  nullptr};
    ::execvp(argv[0], const_cast<char* const*>(argv.data()));
  });
  // The namespace exists once the shell runs in it: its /proc/PID/ns/ipc differs from ours.
  ASSERT_TRUE(WaitFor(
      [&] {
        std::error_code error;
        const std::string mine = std::filesystem::read_symlink("/proc/self/ns/ipc", error);
        const std::string its = std::filesystem::read_symlink(
            "/proc/" + std::to_string(attacker.pid()) + "/ns/ipc", error);
        const std::string dev_shm = std::filesystem::read_symlink(
            "/proc/" + std::to_string(attacker.pid()) + "/root/dev/shm", error);
        return !error && its != mine && dev_shm == secret;
      },
      10000))
      << "the attacker's namespace did not come up";
  ExporterProcess exporter({"--ipc.namespaces=all"});
  HttpResponse response = HttpRequest(exporter.port(), "GET", "/metrics");
  std::filesystem::remove_all(secret);
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.body.find("top_secret_" + tag), std::string::npos)
      << "a root-only host directory was published";
  // The attacker's namespace is listed, its /dev/shm just has nothing in it.
  const std::string attacker_namespace =
      std::to_string(NamespaceOf(std::to_string(attacker.pid())));
  std::vector<ParsedSample> s = ParseExposition(response.body);
  EXPECT_TRUE(
      FindSample(s, "ipc_namespace_info", {{"ipc_namespace", attacker_namespace}}).has_value());
}

// Many namespaces made by an unprivileged user: beyond --ipc.namespaces.max they are only
// counted, so the body does not grow with them (301 such namespaces once made 8,317 samples).
TEST(IpcNamespaces, NamespacesBeyondTheLimitAreCountedNotCollected) {
  constexpr int kMade = 30;
  std::vector<std::unique_ptr<ChildProcess>> made;
  for (int i = 0; i < kMade; ++i) {
    made.push_back(std::make_unique<ChildProcess>([] {
      const char* argv[] = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            "unshare", "-Ui",           "sleep",         "60",
                            nullptr};
      ::execvp(argv[0], const_cast<char* const*>(argv));
    }));
  }
  const uint64_t mine = NamespaceOf("self");
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& child : made) {
          if (NamespaceOf(std::to_string(child->pid())) == mine) return false;
        }
        return true;
      },
      10000));
  ExporterProcess exporter({"--ipc.namespaces=all", "--ipc.namespaces.max=5"});
  HttpResponse response = HttpRequest(exporter.port(), "GET", "/metrics");
  ASSERT_EQ(response.status, 200);
  std::vector<ParsedSample> s = ParseExposition(response.body);
  std::set<std::string> labelled;
  for (const ParsedSample& sample : s) {
    auto label = sample.labels.find("ipc_namespace");
    if (label != sample.labels.end()) labelled.insert(label->second);
  }
  EXPECT_LE(labelled.size(), 6u) << "the own namespace and at most 5 others";
  EXPECT_GE(std::stoi(*FindSample(s, "ipc_exporter_ipc_namespaces_skipped", {{"reason", "limit"}})),
            kMade - 5);
  EXPECT_GE(std::stoi(*FindSample(s, "ipc_namespaces")), kMade + 1);
}

}  // namespace
}  // namespace ipc_exporter::testing
