// The metric contract, METRICS.md, against the real binary: every family a scrape can carry
// (every collector and flag on, objects of every kind present, --ipc.namespaces=all), with its
// type, its labels and its HELP text, must be in METRICS.md exactly as written, and nothing else.
// So the README, --help and the output cannot drift from the contract. After a deliberate change,
// regenerate it with UPDATE_METRICS=1 build/dev/tests/live_tests --gtest_filter='MetricsContract*'
// and review `git diff METRICS.md` like code.
#include <gtest/gtest.h>
#include <mqueue.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "exporter_process.h"
#include "exposition.h"
#include "http_client.h"
#include "ipc_objects.h"
#include "posix_objects.h"

namespace ipc_exporter::testing {
namespace {

struct FamilyContract {
  std::string type;
  std::string labels;  // sorted, ", "-joined; ipc_namespace left out (it goes on every series)
  std::string help;
  bool operator==(const FamilyContract&) const = default;
};

const std::string kContractPath = std::string(IPC_TEST_SOURCE_DIR) + "/../METRICS.md";

/// The families of an exposition, in the order they appear.
std::vector<std::pair<std::string, FamilyContract>> FamiliesOf(const std::string& text) {
  std::vector<std::pair<std::string, FamilyContract>> families;
  std::map<std::string, std::set<std::string>> labels;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("# HELP ", 0) == 0) {
      const size_t space = line.find(' ', 7);
      families.push_back({line.substr(7, space - 7), {"", "", line.substr(space + 1)}});
    } else if (line.rfind("# TYPE ", 0) == 0) {
      families.back().second.type = line.substr(line.rfind(' ') + 1);
    }
  }
  for (const ParsedSample& sample : ParseExposition(text)) {
    for (const auto& [name, value] : sample.labels) {
      if (name != "ipc_namespace") labels[sample.name].insert(name);
    }
  }
  for (auto& [name, family] : families) {
    // A histogram's samples are NAME_bucket (with le), NAME_sum and NAME_count.
    std::set<std::string> names = labels[name];
    if (family.type == "histogram") names = labels[name + "_bucket"];
    for (const std::string& label : names) {
      family.labels += (family.labels.empty() ? "" : ", ") + label;
    }
  }
  return families;
}

std::string Escape(const std::string& text) {
  std::string escaped;
  for (char c : text) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
  return escaped;
}

void WriteContract(const std::vector<std::pair<std::string, FamilyContract>>& families) {
  std::ofstream out(kContractPath);
  out << "# ipc_exporter metrics\n\n"
         "The contract: every family a scrape can carry, with its type, labels and HELP text. "
         "Checked against\nthe real binary by `tests/live/metrics_contract_test.cc` (all "
         "collectors and flags on, objects\nof every kind present); regenerated with "
         "`UPDATE_METRICS=1` on purpose only. Every series also carries\n`ipc_namespace` with "
         "`--ipc.namespaces=all`. Per-object families only appear while such objects\nexist; "
         "see the README for when each is left out.\n\n"
         "| family | type | labels | help |\n| --- | --- | --- | --- |\n";
  for (const auto& [name, family] : families) {
    out << "| `" << name << "` | " << family.type << " | " << family.labels << " | "
        << Escape(family.help) << " |\n";
  }
}

std::map<std::string, FamilyContract> ReadContract() {
  std::map<std::string, FamilyContract> contract;
  std::ifstream in(kContractPath);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    std::string cell;
    for (size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
        cell += '|';
        ++i;
      } else if (line[i] == '|') {
        cells.push_back(cell.substr(1, cell.size() - 2));  // the cell's padding spaces
        cell.clear();
      } else {
        cell += line[i];
      }
    }
    if (cells.size() != 4) continue;
    contract[cells[0].substr(1, cells[0].size() - 2)] = {cells[1], cells[2], cells[3]};
  }
  return contract;
}

TEST(MetricsContract, EveryFamilyOfAFullScrapeIsInMetricsMdAsWritten) {
  // Objects of every kind, each in every state that adds a family.
  TestShm attached(4096, 0600);
  attached.Attach();
  LeakedSegment leaked(4096);
  TestSemArray array(2, 0600);
  array.SetAll({1, 0});
  TestMsgQueue queue(0600);
  queue.Send(8);
  queue.Send(8);
  queue.Receive();
  const std::string tag = std::to_string(::getpid());
  TestPosixShm posix_shm("/ipc-exporter-test-contract-" + tag);
  TestNamedSemaphore named("/ipc-exporter-test-contract-" + tag, 1);
  MqueueMount mount;
  const std::string mq_name = "/ipc-exporter-test-contract-" + tag;
  mq_attr attributes{};
  attributes.mq_maxmsg = 2;
  attributes.mq_msgsize = 8;
  mqd_t mq = ::mq_open(mq_name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600, &attributes);
  ASSERT_NE(mq, static_cast<mqd_t>(-1));
  struct CloseQueue {
    mqd_t mq;
    std::string name;
    ~CloseQueue() {
      ::mq_close(mq);
      ::mq_unlink(name.c_str());
    }
  } close_queue{mq, mq_name};

  MountTracefsIfMissing();
  ExporterProcess exporter({"--ipc.namespaces=all", "--collector.shm.attachers",
                            "--collector.posix_shm.processes", "--collector.activity"});
  // Calls the activity collector counts, failures of each kind among them, and a removal.
  array.Operate(1, 1);
  sembuf would_wait{0, -2, IPC_NOWAIT};
  EXPECT_NE(::semop(array.id(), &would_wait, 1), 0);  // EAGAIN
  queue.Send(8);
  queue.Receive();
  struct {
    long type;
    char text[8];
  } message{};
  EXPECT_LT(::msgrcv(queue.id(), &message, sizeof(message.text), 99, IPC_NOWAIT), 0);  // ENOMSG
  EXPECT_EQ(::shmat(attached.id(), reinterpret_cast<void*>(1), 0), reinterpret_cast<void*>(-1));
  {
    TestShm removed(4096, 0600);  // created and removed
  }
  // Calls that block, so that each wait histogram has a series: a semop waiting for the array's
  // second semaphore to reach 2, a msgrcv waiting for a message of type 77, a msgsnd waiting
  // for room in a full queue. Each child is released once it sleeps in its call.
  TestMsgQueue full(0600);
  full.SetCapacity(8);
  full.Send(8);
  auto blocked_then_released = [](const std::function<int()>& call,
                                  const std::function<void()>& release) {
    pid_t child = ::fork();
    if (child == 0) ::_exit(call() < 0 ? 1 : 0);
    EXPECT_TRUE(WaitFor([&] { return IsSleeping(child); }));
    release();
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  };
  blocked_then_released(
      [&] {
        sembuf two{1, -2, 0};
        return ::semop(array.id(), &two, 1);
      },
      [&] { array.Operate(1, 1); });
  blocked_then_released(
      [&] { return static_cast<int>(::msgrcv(queue.id(), &message, sizeof(message.text), 77, 0)); },
      [&] {
        message.type = 77;
        EXPECT_EQ(::msgsnd(queue.id(), &message, sizeof(message.text), 0), 0);
      });
  blocked_then_released([&] { return ::msgsnd(full.id(), &message, 8, 0); },
                        [&] { full.Receive(); });
  HttpRequest(exporter.port(), "GET", "/metrics");  // so the request counters have a sample
  const auto families = FamiliesOf(HttpRequest(exporter.port(), "GET", "/metrics").body);
  ASSERT_GT(families.size(), 50u);

  if (std::getenv("UPDATE_METRICS") != nullptr) {
    WriteContract(families);
    GTEST_SKIP() << "wrote " << kContractPath << ": review the diff";
  }
  const std::map<std::string, FamilyContract> contract = ReadContract();
  std::set<std::string> scraped;
  for (const auto& [name, family] : families) {
    scraped.insert(name);
    auto it = contract.find(name);
    if (it == contract.end()) {
      ADD_FAILURE() << name << " is not in METRICS.md";
      continue;
    }
    EXPECT_EQ(it->second.type, family.type) << name;
    EXPECT_EQ(it->second.labels, family.labels) << name;
    EXPECT_EQ(it->second.help, family.help) << name;
  }
  for (const auto& [name, family] : contract) {
    EXPECT_TRUE(scraped.contains(name)) << name << " is in METRICS.md but no scrape has it";
  }
}

}  // namespace
}  // namespace ipc_exporter::testing
