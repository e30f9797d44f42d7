#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "collector.h"

namespace ipc_exporter {

struct NamespacesScrape;

/// How a collector did on the last scrape, for the landing page.
struct CollectorStatus {
  std::string name;
  bool scraped = false;  // false until the first scrape
  bool success = false;
  double duration_seconds = 0;
  uint64_t series_dropped = 0;  // by the collector's --collector.NAME.max-series
  uint64_t invisible_pids = 0;  // objects whose processes are outside our pid namespace
  std::string error;            // the first problem of the last scrape, empty on success
};

/// What the last scrape found besides samples: the landing page's attention list and limits.
struct ScrapeFindings {
  std::vector<AttentionItem> attention;
  std::vector<LimitUsage> limits;
};

/// One finished collection, shared by every request that waited for it: the exposition text in
/// parts (one per collector, then the exporter's own families), sent one after the other so the
/// text is never copied into one string. Immutable but for its gzip form, which the first
/// request that wants it computes once for all. Thread-safe.
class ScrapeResult {
 public:
  explicit ScrapeResult(std::vector<std::string> parts, std::string gzip_buffer = {})
      : parts_(std::move(parts)), gzipped_(std::move(gzip_buffer)) {}

  const std::vector<std::string>& parts() const { return parts_; }
  size_t size() const;
  /// The parts joined (for tests and small outputs; the server sends the parts as they are).
  std::string Joined() const;

  /// The text gzipped at `level` (the first caller's level is the one kept). Throws
  /// std::runtime_error if zlib fails.
  const std::string& Gzipped(int level) const;

  /// Hands over the buffers, emptied but with their capacity, for the next collection to reuse.
  /// Only for a result that nobody else holds any more.
  void Recycle(std::vector<std::string>* parts, std::string* gzip_buffer);

 private:
  std::vector<std::string> parts_;
  mutable std::once_flag gzip_once_;
  mutable std::string gzipped_;
};

/// A collection did not end within the time a request was willing to wait; it goes on, and
/// later requests share it.
class ScrapeTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Runs the enabled collectors and assembles a whole /metrics body.
///
/// The collectors run concurrently, each into a buffer of its own; the buffers are joined in
/// table order, so the output does not depend on which finished first. One that throws has its
/// buffer thrown away, is reported with ipc_exporter_collector_success 0 and one log line, and the
/// scrape goes on. Requests that arrive while a collection is under way wait for it and share
/// its result instead of walking the kernel again. Each collection runs on a thread of its own,
/// so a request waits for it only as long as it chooses to: a read that hangs in the kernel
/// holds that thread, not the HTTP workers, and no second collection starts beside it.
/// Thread-safe.
class Scraper {
 public:
  struct NamedCollector {
    std::string name;
    std::unique_ptr<Collector> collector;
  };

  /// `process_metrics` adds the process_* families (left out by --once, whose output feeds
  /// node_exporter's textfile collector, which has process_* families of its own).
  Scraper(std::vector<NamedCollector> collectors, bool process_metrics);

  /// The collectors' factories, one for each collector given to the constructor and in its order,
  /// with the context they were made with.
  struct CollectorFactories {
    std::vector<std::unique_ptr<Collector> (*)(const CollectorContext&)> create;
    CollectorContext context;
  };

  /// --ipc.namespaces=all: from now on every scrape also collects each other IPC namespace of
  /// the host, on a thread of its own that joins it, with collectors made by `factories`; every
  /// series is labelled `ipc_namespace`; at most `max_others` besides the exporter's own.
  /// Set before the first scrape.
  void CollectAllNamespaces(CollectorFactories factories, size_t max_others) {
    all_namespaces_ = std::make_unique<CollectorFactories>(std::move(factories));
    max_other_namespaces_ = max_others;
  }

  /// Writes families of the caller's (the HTTP server's request counters) after the exporter's
  /// own. Set before the first scrape.
  void SetExtraMetrics(std::function<void(ExpositionWriter&)> writer) {
    extra_metrics_ = std::move(writer);
  }

  /// Joins a collection that is still running (see WaitIdle).
  ~Scraper();
  Scraper(const Scraper&) = delete;
  Scraper& operator=(const Scraper&) = delete;

  /// The complete exposition text: collected now, or by the collection already under way.
  /// Waits at most `timeout` (none: until it ends); throws ScrapeTimeout after it, and
  /// std::runtime_error if the collection failed as a whole.
  std::shared_ptr<const ScrapeResult> Scrape(
      std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  /// How long the collection under way has been running; zero when none is.
  std::chrono::milliseconds CollectionRunningFor() const;

  /// Waits up to `timeout` for the collection under way, if any, to end; false if it has not.
  bool WaitIdle(std::chrono::milliseconds timeout);

  /// The outcome of each collector's last run, in scrape order.
  std::vector<CollectorStatus> Statuses() const;

  /// The objects needing attention and the limit usage of the last scrape.
  ScrapeFindings Findings() const;

  /// How many times the collectors have read the kernel.
  uint64_t collections() const { return collections_; }

 private:
  struct Flight {
    std::chrono::steady_clock::time_point started;
    bool done = false;
    std::shared_ptr<const ScrapeResult> result;  // null if the collection failed
  };

  void Fly(const std::shared_ptr<Flight>& flight);
  std::shared_ptr<const ScrapeResult> Collect();
  void LogNamespaceProblems(const NamespacesScrape& scrape);
  void LogInvisiblePids(const std::vector<CollectorStatus>& statuses);
  void LogCollectorChanges(const std::vector<CollectorStatus>& statuses);
  /// Buffers of a finished result, handed back when its last holder lets go of it, for the
  /// next collection to reuse (so that a large scrape does not fault in fresh pages every
  /// time). Shared with the results' deleters, so it outlives whichever goes last.
  struct SpareBuffers {
    std::mutex mutex;
    bool available = false;
    std::vector<std::string> parts;
    std::string gzip;
  };

  std::vector<NamedCollector> collectors_;
  bool process_metrics_;
  std::function<void(ExpositionWriter&)> extra_metrics_;
  std::unique_ptr<CollectorFactories> all_namespaces_;  // null: the exporter's namespace only
  size_t max_other_namespaces_ = 0;
  // Namespaces denied plus processes unreadable in the last scrape, to log changes only.
  std::atomic<uint64_t> namespaces_hidden_{0};
  // Objects with pids outside the exporter's pid namespace in the last scrape, likewise.
  std::atomic<uint64_t> invisible_pids_{0};
  // Each collector's error as last logged ("" while it succeeds), to log changes only.
  std::mutex logged_errors_mutex_;
  std::map<std::string, std::string> logged_errors_;
  std::atomic<uint64_t> collections_{0};
  std::shared_ptr<SpareBuffers> spare_ = std::make_shared<SpareBuffers>();

  mutable std::mutex flight_mutex_;
  std::condition_variable flight_done_;
  std::shared_ptr<Flight> flight_;  // the collection under way, if any
  std::thread flight_thread_;       // the last collection's thread (joined before the next)

  mutable std::mutex status_mutex_;
  std::vector<CollectorStatus> statuses_;
  ScrapeFindings findings_;
};

}  // namespace ipc_exporter
