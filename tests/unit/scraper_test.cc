#include "scrape/scraper.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <ctime>
#include <future>
#include <thread>

#include "exporter/http_encoding.h"
#include "exposition.h"
#include "fakes.h"
#include "gate_collector.h"
#include "http_client.h"
#include "scrape/collector_table.h"

namespace ipc_exporter {
namespace {

using testing::GateCollector;

/// Writes one family, then either finishes, reports a problem, or throws half-way.
class ScriptedCollector final : public Collector {
 public:
  enum class Mode { kOk, kSoftError, kThrow };
  ScriptedCollector(std::string family, Mode mode) : family_(std::move(family)), mode_(mode) {}

  void Collect(ExpositionWriter& out, CollectReport& report) override {
    out.Family(family_, "Scripted.");
    out.Sample({}, uint64_t{7});
    AttentionItem item;
    item.command = family_;  // which collector found it
    report.attention.push_back(item);
    if (mode_ == Mode::kSoftError) report.errors.push_back("one row was malformed");
    if (mode_ == Mode::kThrow) throw std::runtime_error("table unreadable");
  }

 private:
  std::string family_;
  Mode mode_;
};

TEST(Scraper, FailedCollectorLeavesNothingAndIsReported) {
  testing::NamedCollectors collectors;
  collectors.push_back(
      {"good", std::make_unique<ScriptedCollector>("good_metric", ScriptedCollector::Mode::kOk)});
  collectors.push_back({"broken", std::make_unique<ScriptedCollector>(
                                      "broken_metric", ScriptedCollector::Mode::kThrow)});
  collectors.push_back({"partial", std::make_unique<ScriptedCollector>(
                                       "partial_metric", ScriptedCollector::Mode::kSoftError)});
  Scraper scraper(testing::SetOf(std::move(collectors)), /*process_metrics=*/false);
  std::string body = scraper.Scrape()->Joined();
  auto samples = testing::ParseExposition(body);

  EXPECT_EQ(testing::FindSample(samples, "good_metric"), "7");
  EXPECT_EQ(body.find("broken_metric"), std::string::npos);  // rolled back entirely
  EXPECT_EQ(testing::FindSample(samples, "partial_metric"), "7");
  EXPECT_EQ(testing::FindSample(samples, "ipc_exporter_collector_success", {{"collector", "good"}}),
            "1");
  EXPECT_EQ(
      testing::FindSample(samples, "ipc_exporter_collector_success", {{"collector", "broken"}}),
      "0");
  EXPECT_EQ(
      testing::FindSample(samples, "ipc_exporter_collector_success", {{"collector", "partial"}}),
      "0");
  EXPECT_EQ(testing::FindSamples(samples, "ipc_exporter_collector_duration_seconds").size(), 3u);
  EXPECT_EQ(testing::FindSamples(samples, "ipc_exporter_build_info").size(), 1u);
  EXPECT_EQ(body.find("process_"), std::string::npos);

  // The thrown-away collector's findings are thrown away with its samples.
  std::vector<AttentionItem> attention = scraper.Findings().attention;
  ASSERT_EQ(attention.size(), 2u);
  EXPECT_EQ(attention[0].command, "good_metric");
  EXPECT_EQ(attention[1].command, "partial_metric");

  std::vector<CollectorStatus> statuses = scraper.Statuses();
  ASSERT_EQ(statuses.size(), 3u);
  EXPECT_TRUE(statuses[0].success);
  EXPECT_FALSE(statuses[1].success);
  EXPECT_EQ(statuses[1].error, "table unreadable");
  EXPECT_EQ(statuses[2].error, "one row was malformed");
}

TEST(Scraper, ProcessMetricsDescribeThisProcess) {
  // Spend at least 50 ms of CPU first, so that the CPU counter has something to show.
  const std::clock_t start = std::clock();
  volatile uint64_t sink = 0;
  while (std::clock() - start < CLOCKS_PER_SEC / 20) sink = sink + 1;
  Scraper scraper(testing::SetOf({}), /*process_metrics=*/true);
  auto samples = testing::ParseExposition(scraper.Scrape()->Joined());
  for (const char* name : {"process_cpu_seconds_total", "process_max_fds", "process_open_fds",
                           "process_resident_memory_bytes", "process_start_time_seconds",
                           "process_virtual_memory_bytes"}) {
    std::optional<std::string> value = testing::FindSample(samples, name);
    ASSERT_TRUE(value.has_value()) << name;
    EXPECT_GT(std::stod(*value), 0) << name;
  }
}

TEST(Scraper, ConcurrentScrapesShareOneCollection) {
  auto gate = std::make_unique<GateCollector>();
  GateCollector* gate_view = gate.get();
  testing::NamedCollectors collectors;
  collectors.push_back({"gate", std::move(gate)});
  Scraper scraper(testing::SetOf(std::move(collectors)), false);

  auto first = std::async(std::launch::async, [&] { return scraper.Scrape(); });
  ASSERT_TRUE(gate_view->WaitStarted(1));
  std::vector<std::future<std::shared_ptr<const ScrapeResult>>> joiners;
  for (int i = 0; i < 8; ++i) {
    joiners.push_back(std::async(std::launch::async, [&] { return scraper.Scrape(); }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let them queue up
  gate_view->Open();
  std::shared_ptr<const ScrapeResult> shared = first.get();
  for (auto& joiner : joiners) EXPECT_EQ(joiner.get(), shared);
  EXPECT_EQ(gate_view->runs(), 1);
  EXPECT_EQ(scraper.collections(), 1u);
  // The encoded form (the HTTP layer's gzip) is computed once and shared too.
  int encodings = 0;
  const ScrapeResult::Encoder gzip = [&](const std::vector<std::string>& parts, std::string* out) {
    ++encodings;
    GzipCompress(parts, 1, out);
  };
  EXPECT_EQ(&shared->Encoded(gzip), &shared->Encoded(gzip));
  EXPECT_EQ(encodings, 1);
  EXPECT_EQ(testing::Gunzip(shared->Encoded(gzip)), shared->Joined());
  // A scrape after the collection ended walks the kernel again.
  EXPECT_NE(scraper.Scrape(), shared);
  EXPECT_EQ(scraper.collections(), 2u);
}

// A collection that hangs (a read stuck in the kernel) holds its own thread, not the requests:
// each waits only its timeout, no second collection starts beside it, and shutdown can tell.
TEST(Scraper, RequestsWaitOnlyTheirTimeoutForAHungCollection) {
  auto gate = std::make_unique<GateCollector>();
  GateCollector* gate_view = gate.get();
  testing::NamedCollectors collectors;
  collectors.push_back({"gate", std::move(gate)});
  Scraper scraper(testing::SetOf(std::move(collectors)), false);
  EXPECT_EQ(scraper.CollectionRunningFor().count(), 0);

  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(scraper.Scrape(std::chrono::milliseconds(100)), ScrapeTimeout);
  ASSERT_TRUE(gate_view->WaitStarted(1));
  EXPECT_THROW(scraper.Scrape(std::chrono::milliseconds(100)), ScrapeTimeout);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(200));
  EXPECT_EQ(gate_view->runs(), 1) << "the second request must join the hung collection";
  EXPECT_GE(scraper.CollectionRunningFor().count(), 100);
  EXPECT_FALSE(scraper.WaitIdle(std::chrono::milliseconds(50)));

  gate_view->Open();
  EXPECT_TRUE(scraper.WaitIdle(std::chrono::seconds(10)));
  EXPECT_EQ(scraper.CollectionRunningFor().count(), 0);
  std::shared_ptr<const ScrapeResult> result = scraper.Scrape(std::chrono::seconds(10));
  EXPECT_NE(result->Joined().find("gate 1"), std::string::npos);
  EXPECT_EQ(scraper.collections(), 2u);
}

/// Waits for its partner to be running too: it can only finish if both run at the same time.
class RendezvousCollector final : public Collector {
 public:
  RendezvousCollector(std::shared_ptr<std::promise<void>> mine, std::shared_future<void> partner)
      : mine_(std::move(mine)), partner_(std::move(partner)) {}
  void Collect(ExpositionWriter&, CollectReport& report) override {
    mine_->set_value();
    if (partner_.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      report.errors.push_back("partner never ran alongside");
    }
  }

 private:
  std::shared_ptr<std::promise<void>> mine_;
  std::shared_future<void> partner_;
};

TEST(Scraper, CollectorsRunConcurrently) {
  auto a = std::make_shared<std::promise<void>>();
  auto b = std::make_shared<std::promise<void>>();
  testing::NamedCollectors collectors;
  collectors.push_back({"a", std::make_unique<RendezvousCollector>(a, b->get_future().share())});
  collectors.push_back({"b", std::make_unique<RendezvousCollector>(b, a->get_future().share())});
  Scraper scraper(testing::SetOf(std::move(collectors)), false);
  auto samples = testing::ParseExposition(scraper.Scrape()->Joined());
  EXPECT_EQ(testing::FindSample(samples, "ipc_exporter_collector_success", {{"collector", "a"}}),
            "1");
  EXPECT_EQ(testing::FindSample(samples, "ipc_exporter_collector_success", {{"collector", "b"}}),
            "1");
}

/// Writes the number of the collection it runs in, as its settings give it.
class CollectionNumberCollector final : public Collector {
 public:
  explicit CollectionNumberCollector(const CollectorContext& context)
      : settings_(context.settings) {}
  void Collect(ExpositionWriter& out, CollectReport&) override {
    out.Family("collection_number", "Numbered.");
    out.Sample({}, settings_.Collection());
  }

 private:
  CollectorSettings settings_;
};

// The namespaces of one collection share a kernel-wide read by its number (the activity map):
// every collection has a new one, the same for all its collectors.
TEST(Scraper, NumbersEachCollectionForItsCollectors) {
  ProcFs proc(testing::FixtureProc("empty"));
  testing::FakeIpcSyscalls syscalls = testing::FixtureSyscalls("empty");
  testing::FakeAccountNames names;
  CollectorSet set{{}, testing::FixtureContext(proc, syscalls, names)};
  set.members.push_back({"numbered", [](const CollectorContext& context) {
                           return std::make_unique<CollectionNumberCollector>(context);
                         }});
  Scraper scraper(std::move(set), /*process_metrics=*/false);
  for (const char* expected : {"1", "2", "3"}) {
    auto samples = testing::ParseExposition(scraper.Scrape()->Joined());
    EXPECT_EQ(testing::FindSample(samples, "collection_number"), expected);
    EXPECT_EQ(testing::FindSample(samples, "ipc_exporter_collections_total"), expected);
  }
}

// Every object is listed for the landing page only while someone asks for it: /metrics alone
// pays nothing for it.
TEST(Scraper, ListsObjectsOnlyWhenThePageAsks) {
  ProcFs proc(testing::FixtureProc("normal"));
  testing::FakeIpcSyscalls syscalls = testing::FixtureSyscalls("normal");
  testing::FakeAccountNames names;
  CollectorSet set{{}, testing::FixtureContext(proc, syscalls, names)};
  for (const CollectorInfo& info : AllCollectors())
    set.members.push_back({std::string(info.name), info.create});
  Scraper scraper(std::move(set), /*process_metrics=*/false);
  const std::string plain = scraper.Scrape()->Joined();
  EXPECT_FALSE(scraper.Findings().objects_listed);
  EXPECT_TRUE(scraper.Findings().objects.empty());
  const std::string listed = scraper.Scrape(std::nullopt, /*list_objects=*/true)->Joined();
  EXPECT_TRUE(scraper.Findings().objects_listed);
  size_t segments = 0;
  for (const ObjectRow& row : scraper.Findings().objects)
    segments += row.kind == ObjectKind::kShmSegment;
  EXPECT_EQ(segments, 4u);  // the normal fixture's /proc/sysvipc/shm
  // The metrics do not change with it (but for the collection counter). What the run moves is
  // masked: the free space of the checkout's filesystem changes under tests running alongside.
  auto before_self_metrics = [](const std::string& body) {
    return testing::MaskRunDependentValues(
        body.substr(0, body.find("ipc_exporter_collector_duration_seconds")));
  };
  EXPECT_EQ(before_self_metrics(plain), before_self_metrics(listed));
}

}  // namespace
}  // namespace ipc_exporter
