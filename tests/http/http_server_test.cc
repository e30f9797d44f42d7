// HttpServer in-process on 127.0.0.1 over a Scraper whose collector the test holds: what a
// request gets while a collection hangs, and what /healthz says about it.
#include "exporter/http_server.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "base/logging.h"
#include "fakes.h"
#include "gate_collector.h"
#include "http_client.h"

namespace ipc_exporter {
namespace {

using Clock = std::chrono::steady_clock;

int PortOf(const HttpServer& server) {
  const std::string& address = server.bound_addresses().front();
  return std::stoi(address.substr(address.rfind(':') + 1));
}

/// An HttpServer on 127.0.0.1 over a Scraper with one GateCollector, which holds every
/// collection until the test opens it.
struct GatedServer {
  explicit GatedServer(HttpServerConfig config) : scraper(testing::SetOf(Collectors()), false) {
    config.listen_addresses = {"127.0.0.1:0"};
    server = std::make_unique<HttpServer>(config, scraper);
    port = PortOf(*server);
  }
  testing::NamedCollectors Collectors() {
    auto owned = std::make_unique<testing::GateCollector>();
    gate = owned.get();
    testing::NamedCollectors collectors;
    collectors.push_back({"gate", std::move(owned)});
    return collectors;
  }

  testing::GateCollector* gate = nullptr;
  Scraper scraper;
  std::unique_ptr<HttpServer> server;  // destroyed before the scraper it serves
  int port = 0;
};

TEST(HttpServer, HungCollectionGets503WithinTheScrapeTimeoutAndFailsHealthLater) {
  HttpServerConfig config;
  config.scrape_timeout_ms = 1000;
  GatedServer gated(config);
  testing::GateCollector* gate_view = gated.gate;
  Scraper& scraper = gated.scraper;
  const int port = gated.port;

  // Prometheus's header shortens the wait (to 0.5 s less a margin).
  auto started = Clock::now();
  testing::HttpResponse response = testing::HttpRequest(
      port, "GET", "/metrics", {{"X-Prometheus-Scrape-Timeout-Seconds", "0.5"}});
  EXPECT_EQ(response.status, 503);
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(900));
  ASSERT_TRUE(gate_view->WaitStarted(1));
  // Without it, --web.scrape-timeout (1 s) bounds it.
  started = Clock::now();
  EXPECT_EQ(testing::HttpRequest(port, "GET", "/metrics").status, 503);
  EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(1000));
  EXPECT_EQ(gate_view->runs(), 1) << "requests must share the hung collection";
  // Healthy until the collection has run twice the scrape timeout, then not.
  if (scraper.CollectionRunningFor() < std::chrono::milliseconds(2000)) {
    EXPECT_EQ(testing::HttpRequest(port, "GET", "/healthz").status, 200);
  }
  for (int i = 0; i < 50 && scraper.CollectionRunningFor() <= std::chrono::milliseconds(2100);
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  response = testing::HttpRequest(port, "GET", "/healthz");
  EXPECT_EQ(response.status, 503);
  EXPECT_NE(response.body.find("a collection has been running for"), std::string::npos);

  gate_view->Open();
  ASSERT_TRUE(scraper.WaitIdle(std::chrono::seconds(10)));
  EXPECT_EQ(testing::HttpRequest(port, "GET", "/healthz").status, 200);
  response = testing::HttpRequest(port, "GET", "/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("ipc_exporter_scrape_requests_total{code=\"503\"} 2"),
            std::string::npos)
      << response.body;
}

/// How many times `needle` occurs in `text`.
size_t CountOf(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(HttpServer, ScrapesOverMaxRequestsGet503AndOverloadIsLoggedOnceEachWay) {
  SetUpLogging("info", LogFormat::kLogfmt);
  ::testing::internal::CaptureStderr();
  HttpServerConfig config;
  config.max_requests = 1;
  GatedServer gated(config);
  testing::GateCollector* gate_view = gated.gate;
  const int port = gated.port;

  const int first = testing::SendRequestWithoutReading(port, "/metrics");
  ASSERT_TRUE(gate_view->WaitStarted(1));  // the first scrape is under way, and held
  for (int i = 0; i < 4; ++i) EXPECT_EQ(testing::HttpRequest(port, "GET", "/metrics").status, 503);
  EXPECT_EQ(testing::HttpRequest(port, "GET", "/healthz").status, 200);  // not a scrape
  gate_view->Open();
  EXPECT_EQ(testing::ReadResponse(first).status, 200);
  // The next scrape is under the limit: the overload ends.
  testing::HttpResponse next = testing::HttpRequest(port, "GET", "/metrics");
  EXPECT_EQ(next.status, 200);
  EXPECT_NE(next.body.find("ipc_exporter_scrape_requests_total{code=\"503\"} 4"),
            std::string::npos);
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(CountOf(log, "too many concurrent scrapes"), 1u) << log;
  EXPECT_EQ(CountOf(log, "msg=\"concurrent scrapes below the limit again\" answered_503=4"), 1u)
      << log;
}

// A request for /metrics from 127.0.0.2, left unread (the answer is read by ReadResponse).
int SendFromOtherAddress(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_addr.s_addr = htonl(0x7f000002);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0 ||
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
          static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Each scrape being sent pins its result: one client address (slow readers) may have only so
// many under way; other addresses are not held back by it.
TEST(HttpServer, ScrapesPerClientAddressAreLimited) {
  HttpServerConfig config;
  config.max_scrapes_per_client = 1;
  GatedServer gated(config);
  testing::GateCollector* gate_view = gated.gate;
  const int port = gated.port;

  const int first = testing::SendRequestWithoutReading(port, "/metrics");  // from 127.0.0.1
  ASSERT_TRUE(gate_view->WaitStarted(1));
  testing::HttpResponse second = testing::HttpRequest(port, "GET", "/metrics");
  EXPECT_EQ(second.status, 429);
  EXPECT_EQ(second.headers["retry-after"], "1");
  const int other = SendFromOtherAddress(port);
  ASSERT_GE(other, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  gate_view->Open();
  EXPECT_EQ(testing::ReadResponse(first).status, 200);
  EXPECT_EQ(testing::ReadResponse(other).status, 200);
  EXPECT_EQ(testing::HttpRequest(port, "GET", "/metrics").status, 200);  // the place is free
}

TEST(HttpServer, DrainingAnswersNewRequests503) {
  testing::NamedCollectors collectors;
  Scraper scraper(testing::SetOf(std::move(collectors)), false);
  HttpServerConfig config;
  config.listen_addresses = {"127.0.0.1:0"};
  HttpServer server(config, scraper);
  EXPECT_EQ(testing::HttpRequest(PortOf(server), "GET", "/healthz").status, 200);
  server.Drain(std::chrono::milliseconds(100));
  EXPECT_EQ(testing::HttpRequest(PortOf(server), "GET", "/metrics").status, 503);
}

}  // namespace
}  // namespace ipc_exporter
