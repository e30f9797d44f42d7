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

#include "exposition/exposition_writer.h"
#include "scrape/collector_set.h"
#include "scrape/scrape_status.h"
#include "scrape/serving_counters.h"

namespace ipc_exporter {

struct CollectorRun;
struct NamespacesScrape;

/// One finished collection, shared by every request that waited for it: the exposition text in
/// parts (one per collector, then the exporter's own families), sent one after the other so the
/// text is never copied into one string. Immutable but for one encoded form (the HTTP layer's
/// gzip), which the first request that wants it computes once for all. Thread-safe.
class ScrapeResult {
 public:
  explicit ScrapeResult(std::vector<std::string> parts, std::string encoded_buffer = {})
      : parts_(std::move(parts)), encoded_(std::move(encoded_buffer)) {}

  const std::vector<std::string>& parts() const { return parts_; }
  size_t size() const;
  /// The parts joined (for tests and small outputs; the server sends the parts as they are).
  std::string Joined() const;

  /// The text as the first caller's `encode` writes it into its (empty) output, kept for every
  /// later caller. What `encode` throws reaches that caller, and the next one tries again.
  using Encoder = std::function<void(const std::vector<std::string>& parts, std::string* out)>;
  const std::string& Encoded(const Encoder& encode) const;

  /// Hands over the buffers, emptied but with their capacity, for the next collection to reuse.
  /// Only for a result that nobody else holds any more.
  void Recycle(std::vector<std::string>* parts, std::string* encoded_buffer);

 private:
  std::vector<std::string> parts_;
  mutable std::once_flag encode_once_;
  mutable std::string encoded_;
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
  /// Makes the exporter's own namespace's collectors from `collectors` now. `process_metrics`
  /// adds the process_* families (left out by --once, whose output feeds node_exporter's
  /// textfile collector, which has process_* families of its own).
  Scraper(CollectorSet collectors, bool process_metrics);

  /// --ipc.namespaces=all: from now on every scrape also collects each other IPC namespace of
  /// the host, on a thread of its own that joins it, with collectors made from the same set;
  /// every series is labelled `ipc_namespace`; at most `max_others` besides the exporter's own.
  /// Set before the first scrape.
  void CollectAllNamespaces(size_t max_others) {
    all_namespaces_ = true;
    max_other_namespaces_ = max_others;
  }

  /// What the serving side counts, published with the exporter's own families.
  ServingCounters& serving_counters() { return serving_; }

  /// Joins a collection that is still running (see WaitIdle).
  ~Scraper();
  Scraper(const Scraper&) = delete;
  Scraper& operator=(const Scraper&) = delete;

  /// The complete exposition text: collected now, or by the collection already under way.
  /// Waits at most `timeout` (none: until it ends); throws ScrapeTimeout after it, and
  /// std::runtime_error if the collection failed as a whole.
  /// `list_objects`: the landing page wants every object listed (ScrapeFindings::objects);
  /// collections list them from the next one on, for a minute after the last such request.
  std::shared_ptr<const ScrapeResult> Scrape(
      std::optional<std::chrono::milliseconds> timeout = std::nullopt, bool list_objects = false);

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
  void TakeSpareBuffers(std::vector<std::string>* parts, std::string* encoded_buffer);
  std::optional<NamespacesScrape> CollectOtherNamespacesIfAsked();
  /// Runs the own namespace's collectors, each into its part of `parts`.
  std::vector<CollectorRun> RunOwnCollectors(const std::string& label,
                                             std::vector<std::string>* parts);
  /// Writes into `part` collector `collector`'s families with every namespace's samples, and
  /// folds the other namespaces' findings and status into `run`.
  void JoinNamespaceRuns(size_t collector, NamespacesScrape* namespaces, CollectorRun* run,
                         std::string* part);
  void WriteSelfMetrics(ExpositionWriter& out, const std::vector<CollectorStatus>& statuses) const;
  std::shared_ptr<const ScrapeResult> Publish(std::vector<std::string> parts,
                                              std::string encoded_buffer);
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
    std::string encoded;
  };

  // Read by the collectors (CollectorSettings::list_objects), set at the start of each
  // collection from objects_wanted_until_ (steady clock, ms).
  std::atomic<bool> list_objects_{false};
  std::atomic<int64_t> objects_wanted_until_{0};
  CollectorSet set_;
  std::vector<std::unique_ptr<Collector>> collectors_;  // the own namespace's, one per member
  bool process_metrics_;
  ServingCounters serving_;
  bool all_namespaces_ = false;
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
