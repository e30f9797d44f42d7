// Objects appear and vanish as fast as the kernel allows while the exporter is scraped hundreds of
// times: every scrape must answer 200 with a body that promtool accepts and that names no series
// twice (an object removed between listing and reading is skipped, never half-written).
#include <gtest/gtest.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <set>
#include <thread>

#include "exporter_process.h"
#include "exposition.h"
#include "http_client.h"

namespace ipc_exporter::testing {
namespace {

/// Creates and removes segments, arrays and queues in a loop until stopped; removes whatever it
/// still holds when it stops, and only what it created.
class ChurnGenerator {
 public:
  ChurnGenerator() {
    thread_ = std::thread([this] { Run(); });
  }
  ~ChurnGenerator() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  uint64_t cycles() const { return cycles_; }

 private:
  void Run() {
    std::vector<int> shm, sem, msg;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!stop_ && std::chrono::steady_clock::now() < deadline) {
      for (int i = 0; i < 8; ++i) {
        int s = ::shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
        if (s >= 0) shm.push_back(s);
        int a = ::semget(IPC_PRIVATE, 1 + i, IPC_CREAT | 0600);
        if (a >= 0) sem.push_back(a);
        int q = ::msgget(IPC_PRIVATE, IPC_CREAT | 0600);
        if (q >= 0) msg.push_back(q);
      }
      RemoveAll(&shm, &sem, &msg);
      ++cycles_;
    }
    RemoveAll(&shm, &sem, &msg);
  }
  static void RemoveAll(std::vector<int>* shm, std::vector<int>* sem, std::vector<int>* msg) {
    for (int id : *shm) ::shmctl(id, IPC_RMID, nullptr);
    for (int id : *sem) ::semctl(id, 0, IPC_RMID);
    for (int id : *msg) ::msgctl(id, IPC_RMID, nullptr);
    shm->clear();
    sem->clear();
    msg->clear();
  }

  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> cycles_{0};
  std::thread thread_;
};

TEST(Churn, HundredsOfScrapesStayWhole) {
  ExporterProcess exporter;
  ChurnGenerator churn;
  constexpr int kScrapes = 300;
  int answered = 0, lint_clean = 0, whole = 0;
  for (int i = 0; i < kScrapes; ++i) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (i % 3 == 0) headers.push_back({"Accept-Encoding", "gzip"});
    HttpResponse response = HttpRequest(exporter.port(), "GET", "/metrics", headers);
    if (response.status != 200) continue;
    ++answered;
    std::string body = headers.empty() ? response.body : Gunzip(response.body);
    CommandResult lint = RunCommand({"promtool", "check", "metrics"}, 30, body);
    if (lint.exit_code == 0 && lint.out.empty() && lint.err.empty()) ++lint_clean;
    std::set<std::string> series;
    bool unique = true;
    for (const ParsedSample& sample : ParseExposition(body)) {
      std::string id = sample.name;
      for (const auto& [name, value] : sample.labels) id += "," + name + "=" + value;
      unique = series.insert(id).second && unique;
    }
    whole += unique;
  }
  churn.Stop();
  EXPECT_EQ(answered, kScrapes);
  EXPECT_EQ(lint_clean, kScrapes);
  EXPECT_EQ(whole, kScrapes);
  EXPECT_GT(churn.cycles(), 100u) << "the generator hardly ran";
  std::cout << "churn: " << churn.cycles() << " create/remove cycles of 24 objects during "
            << kScrapes << " scrapes\n";
}

}  // namespace
}  // namespace ipc_exporter::testing
