// Least privilege, on the real kernel: the exporter keeps CAP_IPC_OWNER and nothing else (plus
// CAP_SYS_PTRACE when it must read other processes' maps), reads every semaphore with that one
// capability as an unprivileged user, and never changes an IPC object, as ipcs sees them before
// and after a run of scrapes.
#include <gtest/gtest.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <fstream>
#include <regex>

#include "exporter_process.h"
#include "exposition.h"
#include "http_client.h"
#include "ipc_objects.h"

namespace ipc_exporter::testing {
namespace {

/// The hex value of a Cap*/NoNewPrivs line of /proc/PID/status.
std::string StatusField(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      return std::regex_replace(line.substr(field.size() + 1), std::regex("\\s+"), "");
    }
  }
  return "";
}

constexpr const char* kIpcOwnerOnly = "0000000000008000";  // bit 15, CAP_IPC_OWNER

TEST(LeastPrivilege, RootKeepsOnlyCapIpcOwner) {
  ExporterProcess exporter;
  EXPECT_EQ(StatusField(exporter.pid(), "CapEff"), kIpcOwnerOnly);
  EXPECT_EQ(StatusField(exporter.pid(), "CapPrm"), kIpcOwnerOnly);
  EXPECT_EQ(StatusField(exporter.pid(), "CapBnd"), kIpcOwnerOnly);
  EXPECT_EQ(StatusField(exporter.pid(), "CapInh"), "0000000000000000");
  EXPECT_EQ(StatusField(exporter.pid(), "CapAmb"), "0000000000000000");
  EXPECT_EQ(StatusField(exporter.pid(), "NoNewPrivs"), "1");
  EXPECT_EQ(HttpRequest(exporter.port(), "GET", "/metrics").status, 200);
}

TEST(LeastPrivilege, AttachersAlsoKeepCapSysPtrace) {
  ExporterProcess exporter({"--collector.shm.attachers"});
  EXPECT_EQ(StatusField(exporter.pid(), "CapEff"), "0000000000088000");  // + bit 19
}

TEST(LeastPrivilege, PosixShmProcessesAlsoKeepCapSysPtraceAndCapDacReadSearch) {
  ExporterProcess exporter({"--collector.posix_shm.processes"});
  EXPECT_EQ(StatusField(exporter.pid(), "CapEff"), "0000000000088004");  // + bits 2 and 19
}

TEST(LeastPrivilege, AllNamespacesKeepCapSysAdminAndCapSysPtrace) {
  ExporterProcess exporter({"--ipc.namespaces=all"});
  EXPECT_EQ(StatusField(exporter.pid(), "CapEff"), "0000000000288000");  // + bits 19 and 21
  EXPECT_EQ(StatusField(exporter.pid(), "CapBnd"), "0000000000288000");
}

TEST(LeastPrivilege, CapIpcOwnerAloneReadsEverySemaphore) {
  TestSemArray roots_only(3, 0600);  // root's, unreadable to nobody without the capability
  roots_only.SetAll({7, 8, 9});
  ExporterProcess exporter({}, std::nullopt, {},
                           {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            "--inh-caps=-all,+ipc_owner", "--ambient-caps=+ipc_owner"});
  EXPECT_EQ(StatusField(exporter.pid(), "CapEff"), kIpcOwnerOnly);
  EXPECT_NE(StatusField(exporter.pid(), "Uid").find("65534"), std::string::npos);
  std::vector<ParsedSample> s =
      ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body);
  const std::string semid = std::to_string(roots_only.id());
  EXPECT_EQ(FindSample(s, "ipc_sem_array_values_readable", {{"semid", semid}}), "1");
  EXPECT_EQ(FindSample(s, "ipc_sem_value", {{"semid", semid}, {"semnum", "2"}}), "9");
}

/// What ipcs says of every object, in full: the table and each object's own page, with times.
std::string IpcsSnapshot(const std::vector<std::pair<std::string, int>>& objects) {
  std::string snapshot = RunCommand({"ipcs", "-a", "--time"}).out + RunCommand({"ipcs", "-a"}).out;
  for (const auto& [kind, id] : objects) {
    snapshot += RunCommand({"ipcs", kind, "-i", std::to_string(id)}).out;
  }
  return snapshot;
}

TEST(LeastPrivilege, ScrapesNeverChangeAnObject) {
  TestShm segment(8192, 0640);
  ChildProcess attacher([id = segment.id()] {
    ::shmat(id, nullptr, 0);
    for (;;) ::pause();
  });
  TestSemArray array(4, 0600);
  array.SetAll({1, 0, 5, 2});
  ChildProcess waiter([id = array.id()] {
    sembuf take{1, -1, 0};
    ::semop(id, &take, 1);
  });
  TestMsgQueue queue(0600);
  queue.Send(100);
  queue.Send(200);
  ASSERT_TRUE(WaitFor([&] { return array.Count(1, GETNCNT) == 1; }));
  shmid_ds attached{};
  ASSERT_TRUE(WaitFor([&] {
    return ::shmctl(segment.id(), IPC_STAT, &attached) == 0 && attached.shm_nattch == 1;
  }));
  ::sleep(1);  // a change made by the scrapes would now show as a new time

  const std::vector<std::pair<std::string, int>> objects = {
      {"-m", segment.id()}, {"-s", array.id()}, {"-q", queue.id()}};
  const std::string before = IpcsSnapshot(objects);
  {
    ExporterProcess exporter(
        {"--collector.shm.attachers", "--collector.posix_shm.processes", "--ipc.namespaces=all"});
    for (int i = 0; i < 10; ++i) {
      EXPECT_EQ(HttpRequest(exporter.port(), "GET", "/metrics").status, 200);
      EXPECT_EQ(
          HttpRequest(exporter.port(), "GET", "/metrics", {{"Accept-Encoding", "gzip"}}).status,
          200);
      EXPECT_EQ(HttpRequest(exporter.port(), "GET", "/").status, 200);
    }
  }
  EXPECT_EQ(RunCommand({ExporterBinary(), "--once"}).exit_code, 0);
  EXPECT_EQ(IpcsSnapshot(objects), before);
}

}  // namespace
}  // namespace ipc_exporter::testing
