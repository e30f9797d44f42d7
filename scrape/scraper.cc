#include "scrape/scraper.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <iterator>
#include <string_view>

#include "base/logging.h"
#include "base/task_pool.h"
#include "exposition/family_index.h"
#include "scrape/build_info.h"
#include "scrape/collector_run.h"
#include "scrape/namespace_scrape.h"
#include "scrape/process_metrics.h"

namespace ipc_exporter {
namespace {

/// Moves a collector's findings into the scrape's.
template <typename Findings>
void MoveFindings(CollectReport* report, Findings* findings) {
  const auto move_all = [](auto* from, auto* to) {
    to->insert(to->end(), std::make_move_iterator(from->begin()),
               std::make_move_iterator(from->end()));
    from->clear();
  };
  move_all(&report->attention, &findings->attention);
  move_all(&report->limits, &findings->limits);
  move_all(&report->objects, &findings->objects);
}

/// Marks a collector's findings as another namespace's.
void MarkNamespace(const IpcNamespace& space, CollectReport* report) {
  for (AttentionItem& item : report->attention) item.ipc_namespace = space.inode;
  for (LimitUsage& limit : report->limits) limit.ipc_namespace = space.inode;
  for (ObjectRow& row : report->objects) {
    row.ipc_namespace = space.inode;
    row.namespace_pid = space.pid;
    row.container = space.container_id;
  }
}

/// Folds the run of one collector in another namespace into the collector's overall run.
void AddNamespaceRun(const IpcNamespace& space, CollectorRun* run, CollectorRun* total) {
  const std::string label = NamespaceLabel(space.inode);
  MarkNamespace(space, &run->report);
  MoveFindings(&run->report, &total->report);
  CollectorStatus& status = total->status;
  status.duration_seconds += run->status.duration_seconds;
  status.series_dropped += run->status.series_dropped;
  status.invisible_pids += run->status.invisible_pids;
  if (!run->status.success && status.success) {
    status.success = false;
    status.error = "ipc namespace " + label + ": " + run->status.error;
  }
}

}  // namespace

size_t ScrapeResult::size() const {
  size_t total = 0;
  for (const std::string& part : parts_) total += part.size();
  return total;
}

std::string ScrapeResult::Joined() const {
  std::string joined;
  joined.reserve(size());
  for (const std::string& part : parts_) joined += part;
  return joined;
}

const std::string& ScrapeResult::Encoded(const Encoder& encode) const {
  std::call_once(encode_once_, [&] {
    encoded_.clear();
    encode(parts_, &encoded_);
  });
  return encoded_;
}

void ScrapeResult::Recycle(std::vector<std::string>* parts, std::string* encoded_buffer) {
  for (std::string& part : parts_) part.clear();
  encoded_.clear();
  parts->swap(parts_);
  encoded_buffer->swap(encoded_);
}

Scraper::Scraper(CollectorSet collectors, bool process_metrics)
    : set_(std::move(collectors)), process_metrics_(process_metrics) {
  set_.context.settings.list_objects = &list_objects_;
  set_.context.settings.collection = &collections_;
  for (const CollectorSet::Member& member : set_.members) {
    collectors_.push_back(member.create(set_.context));
    CollectorStatus status;
    status.name = member.name;
    statuses_.push_back(status);
  }
}

Scraper::~Scraper() {
  if (flight_thread_.joinable()) flight_thread_.join();
}

namespace {
int64_t SteadyMilliseconds() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

std::shared_ptr<const ScrapeResult> Scraper::Scrape(
    std::optional<std::chrono::milliseconds> timeout, bool list_objects) {
  if (list_objects) objects_wanted_until_ = SteadyMilliseconds() + 60000;
  std::unique_lock<std::mutex> lock(flight_mutex_);
  if (!flight_) {
    // The previous collection's thread has ended or is about to: it cleared flight_ last.
    if (flight_thread_.joinable()) flight_thread_.join();
    flight_ = std::make_shared<Flight>();
    flight_->started = std::chrono::steady_clock::now();
    flight_thread_ = std::thread([this, flight = flight_] { Fly(flight); });
  }
  std::shared_ptr<Flight> flight = flight_;
  const auto done = [&] { return flight->done; };
  if (!timeout) {
    flight_done_.wait(lock, done);
  } else if (!flight_done_.wait_for(lock, *timeout, done)) {
    throw ScrapeTimeout("the collection did not end within " + std::to_string(timeout->count()) +
                        " ms");
  }
  if (!flight->result) throw std::runtime_error("scrape failed");
  return flight->result;
}

void Scraper::Fly(const std::shared_ptr<Flight>& flight) {
  std::shared_ptr<const ScrapeResult> result;
  try {
    result = Collect();
  } catch (const std::exception& error) {  // bad_alloc: the waiters must still be released
    Log(LogLevel::kError, "scrape failed", {{"err", error.what()}});
  }
  std::lock_guard<std::mutex> lock(flight_mutex_);
  flight->result = std::move(result);
  flight->done = true;
  flight_.reset();
  flight_done_.notify_all();
}

std::chrono::milliseconds Scraper::CollectionRunningFor() const {
  std::lock_guard<std::mutex> lock(flight_mutex_);
  if (!flight_) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               flight_->started);
}

bool Scraper::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(flight_mutex_);
  return flight_done_.wait_for(lock, timeout, [&] { return flight_ == nullptr; });
}

std::shared_ptr<const ScrapeResult> Scraper::Collect() {
  ++collections_;
  const bool listing = SteadyMilliseconds() < objects_wanted_until_.load();
  list_objects_ = listing;
  // One part per collector, then one for the exporter's own families.
  std::vector<std::string> parts;
  std::string encoded_buffer;
  TakeSpareBuffers(&parts, &encoded_buffer);
  parts.resize(collectors_.size() + 1);

  // --ipc.namespaces=all: the other namespaces first, each on a thread of its own.
  std::optional<NamespacesScrape> namespaces = CollectOtherNamespacesIfAsked();
  const std::string own_label =
      namespaces ? NamespaceLabel(namespaces->census.self_inode) : std::string();
  std::vector<CollectorRun> runs = RunOwnCollectors(own_label, &parts);

  std::vector<CollectorStatus> statuses;
  ScrapeFindings findings;
  findings.objects_listed = listing;
  for (size_t i = 0; i < runs.size(); ++i) {
    CollectorRun& run = runs[i];
    if (namespaces) {
      JoinNamespaceRuns(i, &*namespaces, &run, &parts[i]);
    } else {
      parts[i].swap(run.text);
    }
    statuses.push_back(run.status);
    MoveFindings(&run.report, &findings);
  }
  ExpositionWriter out(&parts.back());
  if (namespaces) {
    WriteNamespaceFamilies(out, *namespaces);
    LogNamespaceProblems(*namespaces);
  }
  WriteSelfMetrics(out, statuses);
  LogInvisiblePids(statuses);
  LogCollectorChanges(statuses);

  std::shared_ptr<const ScrapeResult> result = Publish(std::move(parts), std::move(encoded_buffer));
  std::lock_guard<std::mutex> status_lock(status_mutex_);
  statuses_ = std::move(statuses);
  findings_ = std::move(findings);
  return result;
}

void Scraper::TakeSpareBuffers(std::vector<std::string>* parts, std::string* encoded_buffer) {
  std::lock_guard<std::mutex> lock(spare_->mutex);
  if (!spare_->available) return;
  parts->swap(spare_->parts);
  encoded_buffer->swap(spare_->encoded);
  spare_->available = false;
}

std::optional<NamespacesScrape> Scraper::CollectOtherNamespacesIfAsked() {
  if (!all_namespaces_) return std::nullopt;
  try {
    return CollectOtherNamespaces(set_, max_other_namespaces_);
  } catch (const std::exception& error) {
    Log(LogLevel::kError, "cannot list IPC namespaces, collecting the exporter's own only",
        {{"err", error.what()}});
    return std::nullopt;
  }
}

std::vector<CollectorRun> Scraper::RunOwnCollectors(const std::string& label,
                                                    std::vector<std::string>* parts) {
  // The collectors run as tasks on the shared pool, the slowest of the last scrape first, so
  // that the short ones fill the gaps around it; their output keeps the table's order.
  std::vector<size_t> order(collectors_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  {
    std::lock_guard<std::mutex> status_lock(status_mutex_);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return statuses_[a].duration_seconds > statuses_[b].duration_seconds;
    });
  }
  std::vector<CollectorRun> runs(collectors_.size());
  std::vector<std::function<void()>> tasks;
  for (size_t i : order) {
    tasks.push_back([this, i, &runs, parts, &label] {
      runs[i] = RunCollector(set_.members[i].name, *collectors_[i], &(*parts)[i], label);
    });
  }
  TaskPool::Shared().RunAll(std::move(tasks));
  return runs;
}

void Scraper::JoinNamespaceRuns(size_t collector, NamespacesScrape* namespaces, CollectorRun* run,
                                std::string* part) {
  // One family at a time, with the samples of every namespace under it.
  std::vector<IndexedText> texts = {{run->text, &run->families}};
  for (size_t n = 1; n < namespaces->runs.size(); ++n) {
    if (namespaces->runs[n].empty()) continue;  // not joined
    CollectorRun& other = namespaces->runs[n][collector];
    texts.push_back({other.text, &other.families});
    AddNamespaceRun(namespaces->census.namespaces[n], &other, run);
  }
  part->clear();
  AppendInterleaved(texts, part);
}

void Scraper::WriteSelfMetrics(ExpositionWriter& out,
                               const std::vector<CollectorStatus>& statuses) const {
  out.Family("ipc_exporter_collector_duration_seconds",
             "Time a collector took in the last scrape, in seconds.");
  for (const CollectorStatus& s : statuses) out.Sample({{"collector", s.name}}, s.duration_seconds);
  out.Family("ipc_exporter_collector_success",
             "1 if the collector's last scrape read everything without error, 0 otherwise.");
  for (const CollectorStatus& s : statuses) {
    out.Sample({{"collector", s.name}}, uint64_t{s.success ? 1u : 0u});
  }
  out.Family("ipc_exporter_series_dropped",
             "Per-object series the collector left out in the last scrape because of its "
             "--collector.NAME.max-series cap; totals and limits are always complete.");
  for (const CollectorStatus& s : statuses) out.Sample({{"collector", s.name}}, s.series_dropped);
  out.Family("ipc_exporter_objects_with_invisible_pids",
             "Objects whose recorded pids read 0 although a process was recorded: it runs in "
             "another pid namespace than the exporter (run the exporter in the host's), and "
             "nothing about those objects can be diagnosed.");
  for (const CollectorStatus& s : statuses) out.Sample({{"collector", s.name}}, s.invisible_pids);
  out.Family("ipc_exporter_collections_total",
             "Times the collectors read the kernel tables; concurrent scrapes share one.",
             MetricType::kCounter);
  out.Sample({}, collections_.load());
  out.Family("ipc_exporter_build_info", "Version and git revision of ipc_exporter, value 1.");
  out.Sample({{"version", Version()}, {"revision", Revision()}}, uint64_t{1});
  serving_.Write(out);
  if (process_metrics_) WriteProcessMetrics(out);
}

std::shared_ptr<const ScrapeResult> Scraper::Publish(std::vector<std::string> parts,
                                                     std::string encoded_buffer) {
  // When the last request lets go of this result, its buffers go back to the spares.
  return std::shared_ptr<const ScrapeResult>(
      new ScrapeResult(std::move(parts), std::move(encoded_buffer)),
      [spare = spare_](ScrapeResult* finished) {
        std::vector<std::string> kept_parts;
        std::string kept_encoded;
        finished->Recycle(&kept_parts, &kept_encoded);
        delete finished;
        std::lock_guard<std::mutex> lock(spare->mutex);
        spare->parts.swap(kept_parts);
        spare->encoded.swap(kept_encoded);
        spare->available = true;
      });
}

void Scraper::LogNamespaceProblems(const NamespacesScrape& scrape) {
  const uint64_t denied = CountSkippedNamespaces(scrape).denied;
  // Once when it starts or changes, not on every scrape: the metrics say it every time.
  const uint64_t hidden = denied + scrape.census.unreadable_processes;
  if (hidden == namespaces_hidden_.exchange(hidden) || hidden == 0) return;
  Log(LogLevel::kWarn,
      "some IPC namespaces cannot be collected: --ipc.namespaces=all needs CAP_SYS_ADMIN (setns) "
      "and CAP_SYS_PTRACE (other users' /proc/PID/ns/ipc)",
      {{"processes_unreadable", std::to_string(scrape.census.unreadable_processes)},
       {"namespaces_denied", std::to_string(denied)}});
}

void Scraper::LogCollectorChanges(const std::vector<CollectorStatus>& statuses) {
  // When a collector starts failing, fails differently, or recovers; not on every scrape, where
  // ipc_exporter_collector_success and the landing page say it each time.
  std::lock_guard<std::mutex> lock(logged_errors_mutex_);
  for (const CollectorStatus& s : statuses) {
    std::string& logged = logged_errors_[s.name];
    const std::string now = s.success ? "" : s.error;
    if (now == logged) continue;
    if (!s.success) {
      Log(LogLevel::kError, logged.empty() ? "collector failed" : "collector fails differently",
          {{"collector", s.name}, {"err", s.error}});
    } else {
      Log(LogLevel::kInfo, "collector recovered", {{"collector", s.name}});
    }
    logged = now;
  }
}

void Scraper::LogInvisiblePids(const std::vector<CollectorStatus>& statuses) {
  uint64_t invisible = 0;
  for (const CollectorStatus& s : statuses) invisible += s.invisible_pids;
  // Once when it starts or ends, not on every scrape: the metric says it every time.
  const bool was = invisible_pids_.exchange(invisible) > 0;
  if (was == (invisible > 0)) return;
  if (invisible > 0) {
    Log(LogLevel::kWarn,
        "IPC objects were used by processes outside the exporter's pid namespace: their pids read "
        "0 and they cannot be diagnosed; run the exporter in the host's pid namespace "
        "(docker --pid=host, Kubernetes hostPID: true)",
        {{"objects", std::to_string(invisible)}});
  } else {
    Log(LogLevel::kInfo, "every IPC object's processes are visible again", {});
  }
}

std::vector<CollectorStatus> Scraper::Statuses() const {
  std::lock_guard<std::mutex> lock(status_mutex_);
  return statuses_;
}

ScrapeFindings Scraper::Findings() const {
  std::lock_guard<std::mutex> lock(status_mutex_);
  return findings_;
}

}  // namespace ipc_exporter
