#include "scraper.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include "build_info.h"
#include "http_encoding.h"
#include "logging.h"
#include "process_metrics.h"
#include "task_pool.h"

namespace ipc_exporter {
namespace {

/// One collector's run: its text, what it reported, and how it went.
struct CollectorRun {
  std::string text;
  CollectReport report;
  CollectorStatus status;
};

/// Runs one collector into `buffer` (emptied first, its capacity kept). Never throws.
CollectorRun RunCollector(const std::string& name, Collector& collector, std::string* buffer) {
  CollectorRun run;
  buffer->clear();
  run.text.swap(*buffer);
  run.status.name = name;
  run.status.scraped = true;
  auto start = std::chrono::steady_clock::now();
  try {
    ExpositionWriter writer(&run.text);
    collector.Collect(writer, run.report);
  } catch (const std::exception& error) {
    // A collector that failed half-way leaves nothing behind: no samples, no findings.
    run.text.clear();
    run.report.attention.clear();
    run.report.limits.clear();
    run.report.errors.insert(run.report.errors.begin(), error.what());
  }
  run.status.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.status.series_dropped = run.report.series_dropped;
  const std::vector<std::string>& errors = run.report.errors;
  run.status.success = errors.empty();
  if (!run.status.success) {
    run.status.error = errors.front();
    Log(LogLevel::kError, "collector failed",
        {{"collector", name},
         {"err", errors.front()},
         {"problems", std::to_string(errors.size())}});
  }
  return run;
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

const std::string& ScrapeResult::Gzipped(int level) const {
  std::call_once(gzip_once_, [&] { GzipCompress(parts_, level, &gzipped_); });
  return gzipped_;
}

void ScrapeResult::Recycle(std::vector<std::string>* parts, std::string* gzip_buffer) {
  for (std::string& part : parts_) part.clear();
  gzipped_.clear();
  parts->swap(parts_);
  gzip_buffer->swap(gzipped_);
}

Scraper::Scraper(std::vector<NamedCollector> collectors, bool process_metrics)
    : collectors_(std::move(collectors)), process_metrics_(process_metrics) {
  for (const NamedCollector& c : collectors_) {
    CollectorStatus status;
    status.name = c.name;
    statuses_.push_back(status);
  }
}

std::shared_ptr<const ScrapeResult> Scraper::Scrape() {
  std::unique_lock<std::mutex> lock(flight_mutex_);
  if (flight_) {  // join the collection under way
    std::shared_ptr<Flight> flight = flight_;
    flight_done_.wait(lock, [&] { return flight->result != nullptr; });
    return flight->result;
  }
  auto flight = std::make_shared<Flight>();
  flight_ = flight;
  lock.unlock();

  std::shared_ptr<const ScrapeResult> result;
  try {
    result = Collect();
  } catch (const std::exception& error) {  // bad_alloc: the waiters must still be released
    Log(LogLevel::kError, "scrape failed", {{"err", error.what()}});
  }

  lock.lock();
  flight->result =
      result ? result : std::make_shared<const ScrapeResult>(std::vector<std::string>{});
  flight_.reset();
  flight_done_.notify_all();
  if (!result) throw std::runtime_error("scrape failed");
  return flight->result;
}

std::shared_ptr<const ScrapeResult> Scraper::Collect() {
  ++collections_;
  // One part per collector, then one for the exporter's own families.
  std::vector<std::string> parts;
  std::string gzip_buffer;
  {
    std::lock_guard<std::mutex> lock(spare_->mutex);
    if (spare_->available) {
      parts.swap(spare_->parts);
      gzip_buffer.swap(spare_->gzip);
      spare_->available = false;
    }
  }
  parts.resize(collectors_.size() + 1);

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
    tasks.push_back([this, i, &runs, &parts] {
      runs[i] = RunCollector(collectors_[i].name, *collectors_[i].collector, &parts[i]);
    });
  }
  TaskPool::Shared().RunAll(std::move(tasks));

  std::vector<CollectorStatus> statuses;
  ScrapeFindings findings;
  for (size_t i = 0; i < runs.size(); ++i) {
    CollectorRun& run = runs[i];
    parts[i].swap(run.text);
    statuses.push_back(run.status);
    findings.attention.insert(findings.attention.end(), run.report.attention.begin(),
                              run.report.attention.end());
    findings.limits.insert(findings.limits.end(), run.report.limits.begin(),
                           run.report.limits.end());
  }

  ExpositionWriter out(&parts.back());
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
  out.Family("ipc_exporter_collections_total",
             "Times the collectors read the kernel tables; concurrent scrapes share one.",
             MetricType::kCounter);
  out.Sample({}, collections_.load());
  out.Family("ipc_exporter_build_info", "Version and git revision of ipc_exporter, value 1.");
  out.Sample({{"version", Version()}, {"revision", Revision()}}, uint64_t{1});
  if (extra_metrics_) extra_metrics_(out);
  if (process_metrics_) WriteProcessMetrics(out);

  // When the last request lets go of this result, its buffers go back to the spares.
  std::shared_ptr<const ScrapeResult> result(
      new ScrapeResult(std::move(parts), std::move(gzip_buffer)),
      [spare = spare_](ScrapeResult* finished) {
        std::vector<std::string> kept_parts;
        std::string kept_gzip;
        finished->Recycle(&kept_parts, &kept_gzip);
        delete finished;
        std::lock_guard<std::mutex> lock(spare->mutex);
        spare->parts.swap(kept_parts);
        spare->gzip.swap(kept_gzip);
        spare->available = true;
      });
  std::lock_guard<std::mutex> status_lock(status_mutex_);
  statuses_ = std::move(statuses);
  findings_ = std::move(findings);
  return result;
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
