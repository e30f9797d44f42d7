// Real System V objects on the running kernel, scraped from the real binary over HTTP on
// 127.0.0.1, asserted value by value against what the kernel itself and lsipc/ipcs say.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cstdio>
#include <regex>
#include <sstream>

#include "exporter_process.h"
#include "exposition.h"
#include "http_client.h"
#include "ipc_objects.h"

namespace ipc_exporter::testing {
namespace {

std::vector<ParsedSample> Scrape(const ExporterProcess& exporter) {
  HttpResponse response = HttpRequest(exporter.port(), "GET", "/metrics");
  EXPECT_EQ(response.status, 200);
  return ParseExposition(response.body);
}

std::string UserName(uid_t uid) {
  passwd* entry = ::getpwuid(uid);
  return entry != nullptr ? entry->pw_name : std::to_string(uid);
}

/// Rows of `lsipc --raw -b --noheadings` for one kind, split on spaces, keyed by the first field.
std::map<std::string, std::vector<std::string>> Lsipc(const std::string& kind,
                                                      const std::string& columns) {
  CommandResult lsipc =
      RunCommand({"lsipc", kind, "--raw", "--bytes", "--noheadings", "-o", columns});
  EXPECT_EQ(lsipc.exit_code, 0) << lsipc.err;
  std::map<std::string, std::vector<std::string>> rows;
  std::istringstream lines(lsipc.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::vector<std::string> row;
    std::string field;
    while (fields >> field) row.push_back(field);
    if (!row.empty()) rows[row[0]] = row;
  }
  return rows;
}

/// A child that attaches `shmid` and then sleeps until killed. Attachers live in a child
/// because fork and exec (of the exporter, of lsipc) count as attach and detach of every segment
/// the forking process holds, which would move lpid and dtime under the test's feet.
ChildProcess AttachInChild(int shmid) {
  return ChildProcess([shmid] {
    ::shmat(shmid, nullptr, 0);
    for (;;) ::pause();
  });
}

int AttachCount(int shmid) {
  shmid_ds info{};
  return ::shmctl(shmid, IPC_STAT, &info) == 0 ? static_cast<int>(info.shm_nattch) : -1;
}

TEST(LiveKernel, SharedMemorySegmentsMatchTheKernelAndLsipc) {
  TestShm plain(12345, 0640);
  ASSERT_EQ(::shmctl(plain.id(), SHM_LOCK, nullptr), 0);  // root holds CAP_IPC_LOCK
  ChildProcess plain_attacher = AttachInChild(plain.id());
  const key_t doomed_key = static_cast<key_t>(0x1c000000 + ::getpid() % 0xffff);
  TestShm doomed(4096, 0600, doomed_key);
  ChildProcess doomed_attacher = AttachInChild(doomed.id());
  ASSERT_TRUE(
      WaitFor([&] { return AttachCount(plain.id()) == 1 && AttachCount(doomed.id()) == 1; }));
  doomed.MarkRemoved();  // still attached: key turns 0, SHM_DEST set

  shmid_ds kernel{};
  ASSERT_EQ(::shmctl(plain.id(), IPC_STAT, &kernel), 0);

  ExporterProcess exporter;
  std::vector<ParsedSample> s = Scrape(exporter);
  const std::string id = std::to_string(plain.id());
  const std::map<std::string, std::string> labels = {{"key", "0x00000000"}, {"shmid", id}};
  const std::string pid = std::to_string(::getpid());
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_size_bytes", labels), "12345");
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_attached_processes", labels), "1");
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_creator_pid", labels), pid);
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_last_operation_pid", labels),
            std::to_string(plain_attacher.pid()));
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_attach_timestamp_seconds", labels),
            std::to_string(kernel.shm_atime));
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_detach_timestamp_seconds", labels), "0");
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_change_timestamp_seconds", labels),
            std::to_string(kernel.shm_ctime));
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_locked", labels), "1");
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_marked_for_destruction", labels), "0");
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_info",
                       {{"shmid", id},
                        {"uid", std::to_string(::geteuid())},
                        {"user", UserName(::geteuid())},
                        {"mode", "0640"}}),
            "1");

  const std::string doomed_id = std::to_string(doomed.id());
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_marked_for_destruction",
                       {{"key", "0x00000000"}, {"shmid", doomed_id}}),
            "1");
  EXPECT_EQ(FindSample(s, "ipc_shm_segment_locked", {{"shmid", doomed_id}}), "0");

  // lsipc reads the same table its own way: ID KEY SIZE NATTCH CPID LPID.
  auto rows = Lsipc("--shmems", "ID,KEY,SIZE,NATTCH,CPID,LPID");
  for (const std::string& shmid : {id, doomed_id}) {
    ASSERT_TRUE(rows.count(shmid)) << "lsipc lists no segment " << shmid;
    const std::vector<std::string>& row = rows[shmid];
    EXPECT_EQ(FindSample(s, "ipc_shm_segment_info", {{"shmid", shmid}, {"key", row[1]}}), "1");
    EXPECT_EQ(FindSample(s, "ipc_shm_segment_size_bytes", {{"shmid", shmid}}), row[2]);
    EXPECT_EQ(FindSample(s, "ipc_shm_segment_attached_processes", {{"shmid", shmid}}), row[3]);
    EXPECT_EQ(FindSample(s, "ipc_shm_segment_creator_pid", {{"shmid", shmid}}), row[4]);
    EXPECT_EQ(FindSample(s, "ipc_shm_segment_last_operation_pid", {{"shmid", shmid}}), row[5]);
  }
  EXPECT_EQ(FindSample(s, "ipc_shm_segments"), std::to_string(rows.size()));
}

TEST(LiveKernel, SemaphoreValuesAndWaitersMatchTheKernelAndIpcs) {
  TestSemArray array(4, 0600);
  array.SetAll({3, 0, 7, 1});
  array.Operate(0, +1);  // value 4, last operator this process
  const int id = array.id();
  // One child waits for semaphore 1 to increase, another for semaphore 2 to reach zero.
  ChildProcess waits_for_increase([id] {
    sembuf op{1, -1, 0};
    ::semop(id, &op, 1);
  });
  ChildProcess waits_for_zero([id] {
    sembuf op{2, 0, 0};
    ::semop(id, &op, 1);
  });
  ASSERT_TRUE(WaitFor([&] { return array.Count(1, GETNCNT) == 1 && array.Count(2, GETZCNT) == 1; }))
      << "children did not block in semop";

  ExporterProcess exporter;
  std::vector<ParsedSample> s = Scrape(exporter);
  const std::string semid = std::to_string(id);
  auto at = [&](int semnum) {
    return std::map<std::string, std::string>{
        {"key", "0x00000000"}, {"semid", semid}, {"semnum", std::to_string(semnum)}};
  };
  EXPECT_EQ(FindSample(s, "ipc_sem_array_semaphores", {{"semid", semid}}), "4");
  EXPECT_EQ(FindSample(s, "ipc_sem_array_values_readable", {{"semid", semid}}), "1");
  const std::vector<std::string> values = {"4", "0", "7", "1"};
  const std::vector<std::string> ncounts = {"0", "1", "0", "0"};
  const std::vector<std::string> zcounts = {"0", "0", "1", "0"};
  for (int n = 0; n < 4; ++n) {
    EXPECT_EQ(FindSample(s, "ipc_sem_value", at(n)), values[static_cast<size_t>(n)]) << n;
    EXPECT_EQ(FindSample(s, "ipc_sem_ncount", at(n)), ncounts[static_cast<size_t>(n)]) << n;
    EXPECT_EQ(FindSample(s, "ipc_sem_zcount", at(n)), zcounts[static_cast<size_t>(n)]) << n;
  }
  EXPECT_EQ(FindSample(s, "ipc_sem_last_operation_pid", at(0)), std::to_string(::getpid()));

  // ipcs -s -i prints "semnum value ncount zcount pid" rows for the array.
  CommandResult ipcs = RunCommand({"ipcs", "-s", "-i", semid});
  ASSERT_EQ(ipcs.exit_code, 0) << ipcs.err;
  std::istringstream lines(ipcs.out);
  std::string line;
  int rows = 0;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    int semnum;
    std::string value, ncount, zcount, pid;
    if (!(fields >> semnum >> value >> ncount >> zcount >> pid)) continue;
    ++rows;
    EXPECT_EQ(FindSample(s, "ipc_sem_value", at(semnum)), value);
    EXPECT_EQ(FindSample(s, "ipc_sem_ncount", at(semnum)), ncount);
    EXPECT_EQ(FindSample(s, "ipc_sem_zcount", at(semnum)), zcount);
    EXPECT_EQ(FindSample(s, "ipc_sem_last_operation_pid", at(semnum)), pid);
  }
  EXPECT_EQ(rows, 4) << ipcs.out;
}

TEST(LiveKernel, MessageQueuesMatchTheKernelAndLsipc) {
  TestMsgQueue queue(0660);
  queue.SetCapacity(4096);
  queue.Send(10);
  queue.Send(20);
  queue.Send(30);
  queue.Receive();  // takes the 10-byte message
  msqid_ds kernel{};
  ASSERT_EQ(::msgctl(queue.id(), IPC_STAT, &kernel), 0);

  ExporterProcess exporter;
  std::vector<ParsedSample> s = Scrape(exporter);
  const std::string id = std::to_string(queue.id());
  const std::map<std::string, std::string> labels = {{"key", "0x00000000"}, {"msqid", id}};
  const std::string pid = std::to_string(::getpid());
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_messages", labels), "2");
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_bytes", labels), "50");
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_capacity_bytes", labels), "4096");
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_last_send_pid", labels), pid);
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_last_receive_pid", labels), pid);
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_send_timestamp_seconds", labels),
            std::to_string(kernel.msg_stime));
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_receive_timestamp_seconds", labels),
            std::to_string(kernel.msg_rtime));
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_info", {{"msqid", id}, {"mode", "0660"}}), "1");

  auto rows = Lsipc("--queues", "ID,USEDBYTES,MSGS,LSPID,LRPID");
  ASSERT_TRUE(rows.count(id));
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_bytes", labels), rows[id][1]);
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_messages", labels), rows[id][2]);
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_last_send_pid", labels), rows[id][3]);
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_last_receive_pid", labels), rows[id][4]);
}

TEST(LiveKernel, LimitsAndUsageMatchLsipcGlobal) {
  TestShm segment(8192, 0600);
  TestSemArray array(3, 0600);
  TestMsgQueue queue(0600);
  ExporterProcess exporter;
  std::vector<ParsedSample> s = Scrape(exporter);
  // RESOURCE LIMIT USED, e.g. "SEMMNI 32000 1" ("-" where lsipc has no usage).
  auto rows = Lsipc("--global", "RESOURCE,LIMIT,USED");
  const std::vector<std::pair<std::string, std::string>> limits = {
      {"SHMMNI", "ipc_shm_segments_limit"},
      {"SHMMAX", "ipc_shm_segment_size_limit_bytes"},
      {"SEMMNI", "ipc_sem_arrays_limit"},
      {"SEMMNS", "ipc_sem_semaphores_limit"},
      {"SEMMSL", "ipc_sem_array_semaphores_limit"},
      {"SEMOPM", "ipc_sem_operations_per_call_limit"},
      {"MSGMNI", "ipc_msg_queues_limit"},
      {"MSGMAX", "ipc_msg_message_size_limit_bytes"},
      {"MSGMNB", "ipc_msg_queue_default_capacity_bytes"},
  };
  for (const auto& [resource, family] : limits) {
    ASSERT_TRUE(rows.count(resource)) << resource;
    EXPECT_EQ(FindSample(s, family), rows[resource][1]) << family;
  }
  // Usage, as lsipc --global and ipcs -u count it.
  EXPECT_EQ(FindSample(s, "ipc_shm_segments"), rows["SHMMNI"][2]);
  EXPECT_EQ(FindSample(s, "ipc_sem_arrays"), rows["SEMMNI"][2]);
  // lsipc 2.38's SEMMNS usage multiplies the first array's size by the number of arrays (it
  // sums semds->sem_nsems instead of semdsp->sem_nsems); ipcs -u asks the kernel (SEM_INFO).
  CommandResult ipcs = RunCommand({"ipcs", "-u", "-s"});
  std::smatch allocated;
  ASSERT_TRUE(std::regex_search(ipcs.out, allocated, std::regex("allocated semaphores = ([0-9]+)")))
      << ipcs.out;
  EXPECT_EQ(FindSample(s, "ipc_sem_semaphores"), allocated[1].str());
  EXPECT_EQ(FindSample(s, "ipc_msg_queues"), rows["MSGMNI"][2]);
  // kernel.shmall is in pages; the exporter publishes bytes.
  double shmall_bytes = std::stod(rows["SHMALL"][1]) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  EXPECT_DOUBLE_EQ(std::stod(*FindSample(s, "ipc_shm_size_limit_bytes")), shmall_bytes);
}

TEST(LiveKernel, UnprivilegedExporterMarksRefusedValuesAndInventsNothing) {
  TestSemArray locked(2, 0600);  // root's, unreadable to others
  locked.SetAll({9, 9});
  TestSemArray open(2, 0644);
  open.SetAll({5, 6});
  TestMsgQueue private_queue(0600);
  private_queue.SetCapacity(2048);

  ExporterProcess exporter({}, /*run_as_uid=*/65534);  // nobody: no CAP_IPC_OWNER
  std::vector<ParsedSample> s = Scrape(exporter);
  const std::string locked_id = std::to_string(locked.id());
  EXPECT_EQ(FindSample(s, "ipc_sem_array_values_readable", {{"semid", locked_id}}), "0");
  EXPECT_EQ(FindSample(s, "ipc_sem_array_semaphores", {{"semid", locked_id}}), "2");
  EXPECT_TRUE(FindSamples(s, "ipc_sem_value", {{"semid", locked_id}}).empty());
  EXPECT_TRUE(FindSamples(s, "ipc_sem_ncount", {{"semid", locked_id}}).empty());

  const std::string open_id = std::to_string(open.id());
  EXPECT_EQ(FindSample(s, "ipc_sem_array_values_readable", {{"semid", open_id}}), "1");
  EXPECT_EQ(FindSample(s, "ipc_sem_value", {{"semid", open_id}, {"semnum", "1"}}), "6");

  // msg_qbytes needs no permission through MSG_STAT_ANY.
  EXPECT_EQ(FindSample(s, "ipc_msg_queue_capacity_bytes",
                       {{"msqid", std::to_string(private_queue.id())}}),
            "2048");
  EXPECT_EQ(FindSample(s, "ipc_exporter_collector_success", {{"collector", "sem"}}), "1");
}

}  // namespace
}  // namespace ipc_exporter::testing
