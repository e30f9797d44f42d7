#include "exporter/http_server.h"

#include <CivetServer.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <string_view>
#include <thread>

#include "base/logging.h"
#include "exporter/accept_guard.h"
#include "exporter/http_encoding.h"
#include "exporter/landing_page.h"
#include "exporter/tls_setup.h"

namespace ipc_exporter {
namespace {

constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

using Headers = std::initializer_list<std::pair<const char*, const char*>>;

// The configured response headers (http_server_config.headers) of the request being answered on
// this worker thread: Dispatch sets them, every response below adds them.
thread_local const std::vector<std::pair<std::string, std::string>>* t_configured_headers = nullptr;

// The longest a response body may take to leave, for this worker thread's request.
thread_local std::chrono::milliseconds t_body_time_limit{30000};

// TLS settings for CivetWeb's init_ssl callback, which runs inside the CivetServer constructor
// on the constructing thread.
thread_local const TlsSettings* t_tls_being_set_up = nullptr;
thread_local std::string t_tls_error;

int InitSsl(void* ssl_ctx, void* /*user_data*/) {
  if (t_tls_being_set_up == nullptr) return -1;
  t_tls_error = ConfigureSslContext(ssl_ctx, *t_tls_being_set_up);
  return t_tls_error.empty() ? 1 : -1;  // 1: the certificate is set up, CivetWeb loads none
}

// Writes a complete response whose body is `pieces` one after the other; the body is sent
// unless the request was HEAD.
int RespondPieces(mg_connection* connection, int status, std::string_view content_type,
                  const std::vector<std::string_view>& pieces, bool head, Headers extra_headers) {
  size_t size = 0;
  for (std::string_view piece : pieces) size += piece.size();
  // (CivetWeb formats the Date header with gmtime(): see thread_safe_gmtime.cc.)
  mg_response_header_start(connection, status);
  mg_response_header_add(connection, "Content-Type", content_type.data(),
                         static_cast<int>(content_type.size()));
  std::string length = std::to_string(size);
  mg_response_header_add(connection, "Content-Length", length.c_str(), -1);
  for (const auto& [name, value] : extra_headers) {
    mg_response_header_add(connection, name, value, -1);
  }
  if (t_configured_headers != nullptr) {
    for (const auto& [name, value] : *t_configured_headers) {
      mg_response_header_add(connection, name.c_str(), value.c_str(), -1);
    }
  }
  mg_response_header_send(connection);
  if (head) return status;
  // In slices, with a deadline for the whole body: each write is bounded by the request
  // timeout, but a client reading a few bytes at a time would otherwise hold this worker, and
  // the scrape result it pins, for as long as it likes.
  constexpr size_t kSlice = 256 * 1024;
  const auto deadline = std::chrono::steady_clock::now() + t_body_time_limit;
  for (std::string_view piece : pieces) {
    for (size_t at = 0; at < piece.size(); at += kSlice) {
      const std::string_view slice = piece.substr(at, kSlice);
      if (std::chrono::steady_clock::now() > deadline ||
          mg_write(connection, slice.data(), slice.size()) <= 0) {
        return status;  // the client is too slow or gone: CivetWeb closes the connection
      }
    }
  }
  return status;
}

int Respond(mg_connection* connection, int status, std::string_view content_type,
            std::string_view body, bool head, Headers extra_headers = {}) {
  return RespondPieces(connection, status, content_type, {body}, head, extra_headers);
}

int RespondText(mg_connection* connection, int status, std::string_view text, bool head,
                Headers extra_headers = {}) {
  return Respond(connection, status, "text/plain; charset=utf-8", text, head, extra_headers);
}

// 128 random bits in hex, from the kernel's generator.
std::string RandomToken() {
  unsigned char bytes[16];
  if (::getrandom(bytes, sizeof(bytes), 0) != static_cast<ssize_t>(sizeof(bytes))) {
    throw std::runtime_error("cannot get random bytes for the self-check token");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char byte : bytes) {
    token.push_back(kHex[byte >> 4]);
    token.push_back(kHex[byte & 15]);
  }
  return token;
}

// Why a request's framing headers are refused, or nullptr.
const char* WhyBodyIsRefused(const mg_request_info& request) {
  int lengths = 0;
  for (int i = 0; i < request.num_headers; ++i) {
    const std::string_view name = request.http_headers[i].name;
    const std::string_view value = request.http_headers[i].value;
    if (EqualsIgnoreCase(name, "Transfer-Encoding")) return "no request here takes a body";
    if (EqualsIgnoreCase(name, "Content-Length")) {
      if (++lengths > 1) return "more than one Content-Length";
      if (value != "0") return "no request here takes a body";
    }
  }
  return nullptr;
}

// This process's listening IPv4 sockets bound to `port` (CivetWeb does not hand out its own).
std::vector<int> ListeningSocketsOnPort(uint16_t port) {
  std::vector<int> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    int fd = -1;
    const std::string name = entry.path().filename().string();
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc()) continue;
    sockaddr_in local{};
    socklen_t length = sizeof(local);
    int listening = 0;
    socklen_t flag_length = sizeof(listening);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0 &&
        local.sin_family == AF_INET && ntohs(local.sin_port) == port &&
        ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &flag_length) == 0 && listening) {
      found.push_back(fd);
    }
  }
  return found;
}

// Connections that send nothing are kept by the kernel, not handed to accept(), until their
// first bytes arrive (or `seconds` pass): idle connections cannot take CivetWeb's workers,
// which it ties to each accepted connection.
void DeferAcceptUntilData(int fd, int64_t seconds) {
  const int value = static_cast<int>(std::max<int64_t>(1, seconds));
  ::setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &value, sizeof(value));
}

/// Counts a scrape in flight for as long as it lives.
class InFlight {
 public:
  explicit InFlight(std::atomic<int>& counter) : counter_(counter), count_(++counter) {}
  ~InFlight() { --counter_; }
  int count() const { return count_; }

 private:
  std::atomic<int>& counter_;
  int count_;
};

/// CivetWeb's listening_ports: the addresses, each marked "s" for HTTPS.
std::string CivetPorts(const std::vector<std::string>& addresses, bool tls) {
  std::string ports;
  for (const std::string& address : addresses) {
    if (!ports.empty()) ports.push_back(',');
    ports += address;
    if (tls) ports.push_back('s');  // CivetWeb's mark of an HTTPS port
  }
  return ports;
}

/// CivetWeb's options, name and value after each other.
std::vector<std::string> CivetOptions(const HttpServerConfig& config, const std::string& ports) {
  // CivetWeb ties a worker to each connection, for as long as it is open: idle keep-alive
  // clients and slow senders hold workers too. Enough of them that requests over
  // --web.max-requests reach the handler and get a 503, and that a few hundred idle or slow
  // connections leave workers for Prometheus (an idle thread costs ~20 KiB).
  const int threads = std::max(256, (config.max_requests > 0 ? config.max_requests : 40) + 8);
  return {
      "listening_ports",
      ports,
      "num_threads",
      std::to_string(threads),
      // A whole request must arrive within the timeout (CivetWeb answers 400 after it), so a
      // client that trickles its headers holds a worker thread for no longer than that.
      "request_timeout_ms",
      std::to_string(config.request_timeout_ms),
      "enable_keep_alive",
      "yes",
      // Idle keep-alive connections hold a worker each: a few seconds are enough to reuse a
      // connection for the next request of a page, and Prometheus scrapes seconds apart.
      "keep_alive_timeout_ms",
      std::to_string(std::min<int64_t>(config.request_timeout_ms, 5000)),
      // Request line and headers together; more is answered with an error.
      "max_request_size",
      "16384",
      // Headers and body leave in separate writes: without this, Nagle's algorithm holds the
      // body back for the client's delayed ACK (~40 ms per response on a reused connection).
      "tcp_nodelay",
      "1",
      // Paths stay as sent: decoding would turn "/metrics%00junk" into "/metrics" (CivetWeb
      // decodes into a C string), and only exact paths are served.
      "decode_url",
      "no",
  };
}

}  // namespace

HttpServer::HttpServer(const HttpServerConfig& config, Scraper& scraper)
    : config_(config),
      self_check_token_(RandomToken()),
      body_time_limit_(std::max<int64_t>(30000, 3 * config.request_timeout_ms)),
      web_(std::make_shared<WebSettings>(config.web)),
      scraper_(scraper),
      counters_(scraper.serving_counters()) {
  const bool tls = config_.web.tls.has_value();
  if (tls) {
    std::string why = PreloadOpenSslForCivetWeb();
    if (!why.empty()) throw std::runtime_error("cannot set up TLS: " + why);
  }
  // With a socket from systemd, CivetWeb first listens on a loopback port of its own, which
  // AdoptSocket then swaps for the passed socket.
  if (config_.systemd_socket >= 0) config_.listen_addresses = {"127.0.0.1:0"};
  const std::string ports = CivetPorts(config_.listen_addresses, tls);
  StartCivetWeb(CivetOptions(config_, ports), ports, tls);
  ListenWithDeferredAccept();
}

void HttpServer::StartCivetWeb(const std::vector<std::string>& options, const std::string& ports,
                               bool tls) {
  CivetCallbacks callbacks;
  if (tls) {
    callbacks.init_ssl = InitSsl;
    t_tls_being_set_up = &*config_.web.tls;
    t_tls_error.clear();
  }
  try {
    server_ = std::make_unique<CivetServer>(options, &callbacks);
  } catch (const CivetException& error) {
    t_tls_being_set_up = nullptr;
    if (!t_tls_error.empty()) throw std::runtime_error("cannot set up TLS: " + t_tls_error);
    throw std::runtime_error(std::string("cannot listen on ") + ports + ": " + error.what());
  }
  t_tls_being_set_up = nullptr;
  if (server_->getContext() == nullptr) throw std::runtime_error("cannot listen on " + ports);
  // CivetServer hands out its context as const, but registering a handler is what it is for.
  mg_set_request_handler(const_cast<mg_context*>(server_->getContext()), "/",
                         &HttpServer::HandleRequest, this);
}

void HttpServer::ListenWithDeferredAccept() {
  const int64_t defer_seconds = config_.request_timeout_ms / 1000;
  if (config_.systemd_socket >= 0) {
    DeferAcceptUntilData(config_.systemd_socket, defer_seconds);
    AdoptSocket(config_.systemd_socket);
    return;
  }
  std::vector<mg_server_port> bound = server_->getListeningPortsFull();
  for (const mg_server_port& port : bound) {
    for (int fd : ListeningSocketsOnPort(static_cast<uint16_t>(port.port))) {
      DeferAcceptUntilData(fd, defer_seconds);
    }
  }
  for (size_t i = 0; i < bound.size() && i < config_.listen_addresses.size(); ++i) {
    const std::string& address = config_.listen_addresses[i];
    bound_addresses_.push_back(address.substr(0, address.rfind(':') + 1) +
                               std::to_string(bound[i].port));
  }
}

// CivetWeb cannot adopt a socket, so the passed one takes the place of CivetWeb's own: find the
// descriptor CivetWeb listens on (the only listening socket on its 127.0.0.1 port) and dup3()
// the passed socket onto that number. CivetWeb's accept loop then serves systemd's socket.
void HttpServer::AdoptSocket(int passed_fd) {
  std::vector<mg_server_port> ports = server_->getListeningPortsFull();
  if (ports.size() != 1) throw std::runtime_error("CivetWeb did not open its placeholder socket");
  const uint16_t placeholder_port = static_cast<uint16_t>(ports[0].port);
  const std::vector<int> found = ListeningSocketsOnPort(placeholder_port);
  const int placeholder_fd = found.empty() ? -1 : found.back();
  if (placeholder_fd < 0) throw std::runtime_error("cannot find CivetWeb's listening socket");
  // The passed socket takes over the placeholder's file status flags (CivetWeb's accept loop
  // expects its own blocking mode) and close-on-exec.
  ::fcntl(passed_fd, F_SETFL, ::fcntl(placeholder_fd, F_GETFL));
  if (::dup3(passed_fd, placeholder_fd, O_CLOEXEC) < 0) {
    throw std::runtime_error(std::string("cannot adopt the systemd socket: ") +
                             std::strerror(errno));
  }
  ::close(passed_fd);

  sockaddr_in bound{};
  socklen_t length = sizeof(bound);
  ::getsockname(placeholder_fd, reinterpret_cast<sockaddr*>(&bound), &length);
  char host[INET_ADDRSTRLEN] = "";
  ::inet_ntop(AF_INET, &bound.sin_addr, host, sizeof(host));
  bound_addresses_ = {std::string(host) + ":" + std::to_string(ntohs(bound.sin_port))};

  // CivetWeb may be waiting in poll() on the placeholder, which lives on until that returns: a
  // connection to it ends the wait at once, and the loop then polls the adopted socket.
  int wake = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in placeholder{};
  placeholder.sin_family = AF_INET;
  placeholder.sin_port = htons(placeholder_port);
  placeholder.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(wake, reinterpret_cast<sockaddr*>(&placeholder), sizeof(placeholder));
  ::close(wake);
}

HttpServer::~HttpServer() {
  if (server_) server_->close();
}

int HttpServer::HandleRequest(mg_connection* connection, void* self) {
  return static_cast<HttpServer*>(self)->Dispatch(connection);
}

std::shared_ptr<HttpServer::WebSettings> HttpServer::CurrentWebSettings() const {
  std::lock_guard<std::mutex> lock(web_mutex_);
  return web_;
}

void HttpServer::ApplyWebConfig(const WebConfig& web) {
  auto settings = std::make_shared<WebSettings>(web);
  std::lock_guard<std::mutex> lock(web_mutex_);
  web_ = std::move(settings);
}

SelfCheckTarget HttpServer::self_check_target() const {
  return SelfCheckTarget{bound_addresses_.front(), self_check_token_, config_.web.tls};
}

bool HttpServer::IsSelfCheck(mg_connection* connection) const {
  const char* token = mg_get_header(connection, "X-Ipc-Exporter-Self-Check");
  return token != nullptr && ConstantTimeEquals(token, self_check_token_);
}

int HttpServer::Dispatch(mg_connection* connection) {
  InFlight in_flight(requests_in_flight_);
  if (draining_) {
    return RespondText(connection, 503, "503 shutting down\n", false, {{"Connection", "close"}});
  }
  const std::shared_ptr<WebSettings> web = CurrentWebSettings();
  struct ConfiguredHeaders {  // for every response of this request, errors and 401 included
    explicit ConfiguredHeaders(const WebSettings& settings) {
      t_configured_headers = &settings.headers;
    }
    ~ConfiguredHeaders() { t_configured_headers = nullptr; }
  } configured_headers(*web);
  t_body_time_limit = body_time_limit_;
  const mg_request_info* request = mg_get_request_info(connection);
  std::string_view method = request->request_method ? request->request_method : "";
  // The raw (decoded, not normalised) path: CivetWeb's cleaned local_uri would turn "//metrics"
  // or "/x/../metrics" into "/metrics", and only exact paths are served.
  std::string_view path = request->local_uri_raw ? request->local_uri_raw : "";
  bool head = method == "HEAD";
  // No request here has a body: one that announces one (a Transfer-Encoding, or a
  // Content-Length other than 0, or two of them) is refused and its connection closed, so
  // that no proxy in front can disagree with CivetWeb on where the next request starts.
  if (const char* why = WhyBodyIsRefused(*request)) {
    mg_send_http_error(connection, 400, "400 %s\n", why);  // closes the connection
    return 400;
  }
  // Basic auth covers every path, the health check included, except the process's own health
  // check (the watchdog's), which proves itself with the token only this process knows.
  const bool self_check = path == "/healthz" && IsSelfCheck(connection);
  if (web->auth.enabled() && !self_check) {
    switch (web->auth.Check(mg_get_header(connection, "Authorization"))) {
      case AuthResult::kAllowed:
        break;
      case AuthResult::kBusy:
        NoteAuthBusy();
        return RespondText(connection, 503, "503 too many credential checks at once\n", head,
                           {{"Retry-After", "1"}});
      case AuthResult::kDenied:
        return RespondText(
            connection, 401, "401 unauthorized\n", head,
            {{"WWW-Authenticate", "Basic realm=\"ipc_exporter\", charset=\"UTF-8\""}});
    }
  }
  bool known_path = path == config_.telemetry_path || path == "/" || path == "/healthz";
  if (!known_path) return RespondText(connection, 404, "404 page not found\n", head);
  if (method != "GET" && !head) {
    return RespondText(connection, 405, "405 method not allowed\n", false,
                       {{"Allow", "GET, HEAD"}});
  }
  if (path == config_.telemetry_path) return ServeMetrics(connection, head);
  if (path == "/healthz") return ServeHealth(connection, head);
  // A fresh collection, so the page shows the host as it is now, not as of the last scrape,
  // with every object listed: if the collection this request joined was already under way
  // without them, the next one (at most one more) lists them.
  try {
    scraper_.Scrape(ScrapeTimeoutFor(connection), /*list_objects=*/true);
    if (!scraper_.Findings().objects_listed) {
      scraper_.Scrape(ScrapeTimeoutFor(connection), /*list_objects=*/true);
    }
  } catch (const std::exception&) {
    // Logged by the scraper; the page then shows the last collection's findings.
  }
  std::optional<std::vector<ActivityEvent>> events;
  if (config_.activity != nullptr && config_.activity->enabled()) {
    events = config_.activity->log().Recent();
  }
  std::string page = RenderLandingPage(config_.telemetry_path, scraper_.Statuses(),
                                       scraper_.Findings(), events ? &*events : nullptr);
  return Respond(connection, 200, "text/html; charset=utf-8", page, head);
}

int HttpServer::ServeHealth(mg_connection* connection, bool head) {
  // A collection that runs far past the scrape timeout is stuck in the kernel (a hung read):
  // fail the health check, so the watchdog stops pinging and systemd restarts the service.
  const std::chrono::milliseconds running = scraper_.CollectionRunningFor();
  if (running.count() > 2 * config_.scrape_timeout_ms) {
    return RespondText(
        connection, 503,
        "503 a collection has been running for " + std::to_string(running.count() / 1000) + " s\n",
        head);
  }
  return RespondText(connection, 200, "OK\n", head);
}

std::chrono::milliseconds HttpServer::ScrapeTimeoutFor(mg_connection* connection) const {
  // Prometheus says how long it will wait; answering a little before that lets it record a
  // 503 instead of its own timeout. Never longer than --web.scrape-timeout, never under 100 ms.
  int64_t timeout_ms = config_.scrape_timeout_ms;
  if (const char* header = mg_get_header(connection, "X-Prometheus-Scrape-Timeout-Seconds")) {
    char* end = nullptr;
    const double seconds = std::strtod(header, &end);
    if (end != header && std::isfinite(seconds) && seconds > 0) {
      const double wanted = (seconds - 0.25) * 1000;
      if (wanted < static_cast<double>(timeout_ms)) {
        timeout_ms = std::max<int64_t>(100, static_cast<int64_t>(wanted));
      }
    }
  }
  return std::chrono::milliseconds(timeout_ms);
}

void HttpServer::NoteScrapeTimeout() {
  if (!scrape_timeout_log_.Due()) return;
  Log(LogLevel::kWarn, "a collection outlasted the scrape timeout: answering 503 while it runs",
      {{"running_ms", std::to_string(scraper_.CollectionRunningFor().count())}});
}

void HttpServer::Drain(std::chrono::milliseconds limit) {
  draining_ = true;
  const auto until = std::chrono::steady_clock::now() + limit;
  // Bounded polling: CivetWeb has no completion signal, and this runs once, at shutdown.
  while (requests_in_flight_ > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void HttpServer::NoteOverload(bool over) {
  // Logged when overload begins and ends, with the count in between, not per 503:
  // ipc_exporter_scrape_requests_total{code="503"} counts each one.
  if (over) {
    if (overloaded_.exchange(true)) return;
    overload_started_at_503_ = counters_.responses_503.load() - 1;
    Log(LogLevel::kWarn, "too many concurrent scrapes: answering 503 until the load drops",
        {{"limit", std::to_string(config_.max_requests)}});
  } else if (overloaded_.exchange(false)) {
    const std::string answered =
        std::to_string(counters_.responses_503.load() - overload_started_at_503_);
    Log(LogLevel::kInfo, "concurrent scrapes below the limit again", {{"answered_503", answered}});
  }
}

void HttpServer::NoteAuthBusy() {
  // Counted each time, logged at most once a minute: a flood would otherwise fill the journal.
  const uint64_t refused = ++counters_.auth_busy_refusals;
  if (!auth_busy_log_.Due()) return;
  Log(LogLevel::kWarn,
      "too many credential checks at once: answering 503 to requests whose credentials are not "
      "cached (a flood of wrong or made-up passwords?)",
      {{"refused_total", std::to_string(refused)}});
}

class HttpServer::ClientScrape {
 public:
  ClientScrape(HttpServer& server, std::string client)
      : server_(server), client_(std::move(client)) {
    const int limit = server_.config_.max_scrapes_per_client;
    std::lock_guard<std::mutex> lock(server_.client_scrapes_mutex_);
    int& count = server_.client_scrapes_[client_];
    admitted_ = limit <= 0 || count < limit;
    if (admitted_) {
      ++count;
    } else if (count == 0) {
      server_.client_scrapes_.erase(client_);
    }
  }
  ~ClientScrape() {
    if (!admitted_) return;
    std::lock_guard<std::mutex> lock(server_.client_scrapes_mutex_);
    if (--server_.client_scrapes_[client_] == 0) server_.client_scrapes_.erase(client_);
  }
  bool admitted() const { return admitted_; }

 private:
  HttpServer& server_;
  std::string client_;
  bool admitted_ = false;
};

int HttpServer::ServeMetrics(mg_connection* connection, bool head) {
  ClientScrape client_scrape(*this, mg_get_request_info(connection)->remote_addr);
  if (!client_scrape.admitted()) {
    ++counters_.responses_429;
    return RespondText(connection, 429,
                       "429 this client already has as many scrapes under way as allowed\n", head,
                       {{"Retry-After", "1"}});
  }
  InFlight in_flight(scrapes_in_flight_);
  if (config_.max_requests > 0 && in_flight.count() > config_.max_requests) {
    ++counters_.responses_503;
    NoteOverload(true);
    return RespondText(connection, 503, "503 too many concurrent scrapes (--web.max-requests)\n",
                       head);
  }
  NoteOverload(false);
  std::shared_ptr<const ScrapeResult> result;
  try {
    result = scraper_.Scrape(ScrapeTimeoutFor(connection));
  } catch (const ScrapeTimeout&) {
    ++counters_.responses_503;
    NoteScrapeTimeout();
    return RespondText(connection, 503,
                       "503 the collection did not end within the scrape timeout; it goes on, "
                       "and the next scrape shares it\n",
                       head);
  } catch (const std::exception&) {
    ++counters_.responses_500;  // the scraper has logged why
    return RespondText(connection, 500, "500 scrape failed\n", head);
  }
  const char* accept_encoding = mg_get_header(connection, "Accept-Encoding");
  if (accept_encoding != nullptr && AcceptsGzip(accept_encoding)) {
    const std::string* compressed = nullptr;
    try {
      compressed = &result->Encoded(
          [level = config_.gzip_level](const std::vector<std::string>& parts, std::string* out) {
            GzipCompress(parts, level, out);
          });
    } catch (const std::exception& error) {
      Log(LogLevel::kError, "gzip failed", {{"err", error.what()}});
      ++counters_.responses_500;
      return RespondText(connection, 500, "500 compression failed\n", head);
    }
    ++counters_.responses_200;
    return Respond(connection, 200, kMetricsContentType, *compressed, head,
                   {{"Content-Encoding", "gzip"}, {"Vary", "Accept-Encoding"}});
  }
  ++counters_.responses_200;
  std::vector<std::string_view> pieces(result->parts().begin(), result->parts().end());
  return RespondPieces(connection, 200, kMetricsContentType, pieces, head,
                       {{"Vary", "Accept-Encoding"}});
}

}  // namespace ipc_exporter
