#pragma once

#include <atomic>
#include <cstdint>

#include "exposition/exposition_writer.h"

namespace ipc_exporter {

/// What the serving side (HTTP requests and connections) counts, published by the scraper with
/// its own families. The serving side adds to these, the scraper reads them; the scraper owns
/// them, so they outlive every server and connection guard that adds to them.
struct ServingCounters {
  // Requests to the telemetry path by status code.
  std::atomic<uint64_t> responses_200{0};
  std::atomic<uint64_t> responses_500{0};
  std::atomic<uint64_t> responses_503{0};
  std::atomic<uint64_t> responses_429{0};
  // Connections closed at accept: their client address held --web.max-connections-per-client.
  std::atomic<uint64_t> connections_refused{0};
  // accept() failures for want of file descriptors.
  std::atomic<uint64_t> accept_failures{0};
  // Requests answered 503 because every bcrypt slot was busy.
  std::atomic<uint64_t> auth_busy_refusals{0};

  /// ipc_exporter_scrape_requests_total and the connection and auth refusal counters.
  void Write(ExpositionWriter& out) const;
};

}  // namespace ipc_exporter
