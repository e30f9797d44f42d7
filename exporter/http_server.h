#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/logging.h"
#include "bpf/activity_source.h"
#include "exporter/basic_auth.h"
#include "exporter/self_check.h"
#include "exporter/web_config.h"
#include "scrape/scraper.h"

class CivetServer;
struct mg_connection;

namespace ipc_exporter {

struct HttpServerConfig {
  std::vector<std::string> listen_addresses;  // "a.b.c.d:port", port 0 = any free port
  std::string telemetry_path = "/metrics";
  int max_requests = 40;  // concurrent scrapes; 0 = no limit
  // Concurrent scrapes of one client address; 0 = no limit. Each scrape being sent pins its
  // result's memory: this keeps slow readers from one address from pinning many.
  int max_scrapes_per_client = 4;
  int gzip_level = 1;
  // A listening socket passed by systemd, served instead of listen_addresses.
  int systemd_socket = -1;
  // Reading a request, and each write of the response.
  int64_t request_timeout_ms = 10000;
  // Longest a request waits for a collection (Prometheus's X-Prometheus-Scrape-Timeout-Seconds
  // shortens it); /healthz fails once one has run twice as long.
  int64_t scrape_timeout_ms = 30000;
  // --web.config.file: TLS, basic auth, response headers.
  WebConfig web;
  // --collector.activity: the tracing whose lifecycle events the landing page lists; null for
  // none.
  std::shared_ptr<const ActivitySource> activity;
};

/// Serves the telemetry path, "/" and "/healthz" with CivetWeb, on exact paths only.
///
/// CivetWeb matches handlers by case-insensitive prefix, so one handler takes every request and
/// dispatches on the exact path here. Thread-safe: CivetWeb calls it from its worker threads.
class HttpServer {
 public:
  /// Starts listening; throws std::runtime_error if an address cannot be bound.
  HttpServer(const HttpServerConfig& config, Scraper& scraper);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The addresses actually bound, with the ports the kernel chose for port 0.
  const std::vector<std::string>& bound_addresses() const { return bound_addresses_; }

  /// Applies what can change without a restart: basic auth users and response headers (TLS
  /// settings take effect on restart). Thread-safe.
  void ApplyWebConfig(const WebConfig& web);

  /// Stops taking requests (new ones get 503) and waits up to `limit` for those under way to be
  /// answered, so that a scrape in progress at SIGTERM still gets its whole body.
  void Drain(std::chrono::milliseconds limit);

  /// How this process reaches its own /healthz past TLS and basic auth (for the watchdog).
  SelfCheckTarget self_check_target() const;

 private:
  static int HandleRequest(mg_connection* connection, void* self);
  int Dispatch(mg_connection* connection);
  int ServeMetrics(mg_connection* connection, bool head);
  int ServeHealth(mg_connection* connection, bool head);
  /// How long this request may wait for a collection.
  std::chrono::milliseconds ScrapeTimeoutFor(mg_connection* connection) const;
  void NoteScrapeTimeout();
  void NoteOverload(bool over);
  void NoteAuthBusy();
  /// Counts a scrape of `client` for as long as it lives; `admitted` is false when the client
  /// already has max_scrapes_per_client under way (the count is then not kept).
  class ClientScrape;
  void AdoptSocket(int passed_fd);
  /// Starts CivetWeb with `options` on `ports` and routes every path to HandleRequest.
  void StartCivetWeb(const std::vector<std::string>& options, const std::string& ports, bool tls);
  /// Sets TCP_DEFER_ACCEPT on the listening sockets and records the bound addresses.
  void ListenWithDeferredAccept();

  /// What a request is checked against and answered with; replaced whole on SIGHUP.
  struct WebSettings {
    explicit WebSettings(const WebConfig& web) : auth(web.basic_auth_users), headers(web.headers) {}
    BasicAuthenticator auth;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  std::shared_ptr<WebSettings> CurrentWebSettings() const;

  bool IsSelfCheck(mg_connection* connection) const;

  HttpServerConfig config_;
  const std::string self_check_token_;  // random, never leaves the process
  // The longest a response body may take to leave: 3 request timeouts, at least 30 s.
  std::chrono::milliseconds body_time_limit_;
  mutable std::mutex web_mutex_;
  std::shared_ptr<WebSettings> web_;
  Scraper& scraper_;
  std::atomic<int> scrapes_in_flight_{0};
  std::atomic<int> requests_in_flight_{0};
  std::mutex client_scrapes_mutex_;
  std::map<std::string, int> client_scrapes_;  // scrapes under way by client address
  std::atomic<bool> draining_{false};
  LogThrottle scrape_timeout_log_;
  ServingCounters& counters_;  // the scraper's
  // Requests refused before their credentials were checked (BasicAuthenticator's kBusy).
  LogThrottle auth_busy_log_;
  // Overload as last logged, and the 503 count when it began (see NoteOverload).
  std::atomic<bool> overloaded_{false};
  std::atomic<uint64_t> overload_started_at_503_{0};
  std::unique_ptr<CivetServer> server_;
  std::vector<std::string> bound_addresses_;
};

}  // namespace ipc_exporter
