// Hostile traffic on loopback, bounded in count and time: clients that trickle their headers,
// more of them than the server has workers; garbage bytes; an oversized header; a TLS handshake
// sent to the plain port; a request line with a NUL. The exporter must keep serving, answer
// scrapes within the request timeout even while slow clients hold every worker, and stop cleanly.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "exporter_process.h"
#include "exposition.h"
#include "http_client.h"

namespace ipc_exporter::testing {
namespace {

using Clock = std::chrono::steady_clock;

/// A connection to 127.0.0.1:`port` from `source` (another loopback address is another client).
int ConnectFrom(uint32_t source, int port) {
  return testing::ConnectLoopback(port, source, /*timeout_ms=*/5000);
}

/// Sends a whole request on `fd` and returns the first bytes of the answer ("" if closed).
std::string AskHealth(int fd) {
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ssize_t sent = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  (void)sent;
  char buffer[64] = {};
  const ssize_t got = ::recv(fd, buffer, sizeof(buffer), 0);
  return got > 0 ? std::string(buffer, static_cast<size_t>(got)).substr(0, 12) : "";
}

/// Clients that send a request line and then one header byte at a time, forever (until stopped
/// or the server closes them): the slowloris attack.
class Slowloris {
 public:
  Slowloris(int port, int clients) {
    for (int i = 0; i < clients; ++i) {
      int fd = testing::ConnectLoopback(port);
      if (fd < 0) continue;
      ::fcntl(fd, F_SETFL, O_NONBLOCK);
      const char start[] = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
      ssize_t sent = ::send(fd, start, sizeof(start) - 1, MSG_NOSIGNAL);
      (void)sent;
      fds_.push_back(fd);
    }
    thread_ = std::thread([this] {
      const auto deadline = Clock::now() + std::chrono::seconds(20);  // bounded in any case
      while (!stop_ && Clock::now() < deadline) {
        for (int fd : fds_) {
          ssize_t sent = ::send(fd, "a", 1, MSG_NOSIGNAL);
          (void)sent;  // the server may have cut it off: that is the point
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    });
  }
  ~Slowloris() {
    stop_ = true;
    thread_.join();
    for (int fd : fds_) ::close(fd);
  }
  size_t clients() const { return fds_.size(); }

 private:
  std::vector<int> fds_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(Hostile, SlowClientsCannotStarveScrapes) {
  // Without the per-client limit (as behind a reverse proxy, where every client has the
  // proxy's address), the request timeout is what frees workers: 2 s to send a request, and
  // 40 slow clients against the 256 workers' worth of queue.
  ExporterProcess exporter(
      {"--web.request-timeout=2s", "--web.max-requests=8", "--web.max-connections-per-client=0"});
  Slowloris attack(exporter.port(), 40);
  ASSERT_EQ(attack.clients(), 40u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let them occupy the workers

  const auto start = Clock::now();
  HttpResponse scrape = HttpRequest(exporter.port(), "GET", "/metrics", {}, 15000);
  const double waited = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(scrape.status, 200);
  // Cut off at the request timeout, the slow clients free their workers and the queued scrape
  // runs next: well within Prometheus's default scrape timeout of 10 s (about 4 s here; the
  // bound leaves room for sanitizer builds).
  EXPECT_LT(waited, 10.0) << "a scrape waited " << waited << " s behind slow clients";
  std::cout << "scrape under a 40-client slowloris answered in " << waited << " s\n";
}

TEST(Hostile, GarbageOversizedAndTlsBytesDoNotHurt) {
  ExporterProcess exporter({"--web.request-timeout=2s"});
  const int port = exporter.port();
  std::mt19937 random(12345);
  for (int i = 0; i < 30; ++i) {  // random bytes, some with newlines, then hang up
    std::string junk(1 + random() % 4096, '\0');
    for (char& c : junk) c = static_cast<char>(random());
    if (i % 2 == 0) junk += "\r\n\r\n";
    RawExchange(port, junk, 2500);
  }
  // A header far over the 16 KiB limit: an error status or a closed connection, never a scrape.
  std::string huge =
      "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100000, 'b') + "\r\n\r\n";
  std::string answer = RawExchange(port, huge, 5000);
  EXPECT_TRUE(answer.empty() || answer.rfind("HTTP/1.", 0) == 0) << answer.substr(0, 80);
  EXPECT_EQ(answer.find("ipc_exporter_build_info"), std::string::npos);
  // A TLS ClientHello on the plain port.
  const std::string client_hello("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11);
  answer = RawExchange(port, client_hello + std::string(160, '\x01'), 3000);
  EXPECT_TRUE(answer.empty() || answer.rfind("HTTP/1.", 0) == 0) << answer.substr(0, 80);
  // A NUL in the path, an absurd method, a missing version.
  for (const std::string& request : {std::string("GET /met\0rics HTTP/1.1\r\nHost: x\r\n\r\n", 36),
                                     std::string("BREW /metrics HTTP/1.1\r\nHost: x\r\n\r\n"),
                                     std::string("GET /metrics\r\n\r\n")}) {
    answer = RawExchange(port, request, 3000);
    EXPECT_EQ(answer.find("ipc_exporter_build_info"), std::string::npos);
  }
  // Still serving, and it stops cleanly.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(HttpRequest(port, "GET", "/metrics").status, 200);
  EXPECT_EQ(exporter.Stop(), 0);
}

// One client address holds at most --web.max-connections-per-client connections: the next is
// closed unanswered, other addresses are served, and closed connections free their places.
TEST(Hostile, OneClientAddressCannotHoldMoreThanItsShare) {
  ExporterProcess exporter({"--web.max-connections-per-client=4"});
  constexpr uint32_t kOther = 0x7f000002;  // 127.0.0.2
  std::vector<int> held;
  for (int i = 0; i < 4; ++i) {
    const int fd = ConnectFrom(kOther, exporter.port());
    ASSERT_GE(fd, 0);
    ssize_t sent = ::send(fd, "G", 1, MSG_NOSIGNAL);  // accepted, and then silent
    (void)sent;
    held.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int fifth = ConnectFrom(kOther, exporter.port());
  ASSERT_GE(fifth, 0);
  EXPECT_EQ(AskHealth(fifth), "") << "a fifth connection from 127.0.0.2 was served";
  ::close(fifth);
  EXPECT_EQ(HttpRequest(exporter.port(), "GET", "/healthz").status, 200);  // from 127.0.0.1
  for (int fd : held) ::close(fd);
  bool served_again = false;
  for (int i = 0; i < 20 && !served_again; ++i) {
    const int fd = ConnectFrom(kOther, exporter.port());
    served_again = fd >= 0 && AskHealth(fd) == "HTTP/1.1 200";
    if (fd >= 0) ::close(fd);
    if (!served_again) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(served_again);
  const std::string body = HttpRequest(exporter.port(), "GET", "/metrics").body;
  EXPECT_EQ(body.find("ipc_exporter_connections_refused_total 0\n"), std::string::npos) << body;
}

// Percent-encoding is not decoded into a match: CivetWeb decodes into a C string, so
// "/metrics%00junk" used to be served as /metrics and "/%00" as the landing page.
TEST(Hostile, OnlyExactPathsAreServedWhateverTheEncoding) {
  ExporterProcess exporter;
  auto status_of = [&](const std::string& path) {
    const std::string answer = RawExchange(
        exporter.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5000);
    return answer.substr(0, 12);
  };
  for (const char* path :
       {"/metrics%00junk", "/%00", "/met%72ics", "/metrics%2F", "/healthz%00", "/%2e%2e/metrics"}) {
    EXPECT_EQ(status_of(path), "HTTP/1.1 404") << path;
  }
  EXPECT_EQ(status_of("/metrics"), "HTTP/1.1 200");
  EXPECT_EQ(status_of("/metrics?x=%00"), "HTTP/1.1 200");  // the query string is not the path
  EXPECT_EQ(status_of("/"), "HTTP/1.1 200");
}

// Framing that two HTTP parsers could read two ways (request smuggling through a proxy) is
// refused and the connection closed: the request queued behind it is never answered.
TEST(Hostile, AmbiguousFramingIsRefusedAndTheConnectionClosed) {
  ExporterProcess exporter({"--web.request-timeout=2s"});
  const std::string next = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const std::string& framing :
       {std::string("Content-Length: 0\r\nContent-Length: 5\r\n"),
        std::string("Transfer-Encoding : chunked\r\n"),
        std::string("Transfer-Encoding: chunked\r\n"), std::string("Content-Length: 5\r\n")}) {
    std::string body = framing.find("chunked") != std::string::npos ? "0\r\n\r\n" : "";
    if (framing == "Content-Length: 5\r\n") body = "12345";
    const std::string answer =
        RawExchange(exporter.port(),
                    "GET /metrics HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n" + body + next, 4000);
    EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 400") << framing;
    EXPECT_EQ(answer.find("HTTP/1.1", 1), std::string::npos) << framing << " -> " << answer;
  }
  // A lone "Content-Length: 0" is no body: served.
  const std::string answer = RawExchange(
      exporter.port(),
      "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 4000);
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 200");
}

/// Reads one HTTP response with a Content-Length from `fd`; "" on failure.
std::string ReadOneResponse(int fd) {
  std::string data;
  char buffer[65536];
  for (;;) {
    const size_t end = data.find("\r\n\r\n");
    if (end != std::string::npos) {
      const size_t at = data.find("Content-Length: ");
      if (at == std::string::npos || at > end) return "";
      const size_t length = std::stoul(data.substr(at + 16));
      if (data.size() >= end + 4 + length) return data;
    }
    const ssize_t got = ::recv(fd, buffer, sizeof(buffer), 0);
    if (got <= 0) return "";
    data.append(buffer, static_cast<size_t>(got));
  }
}

// Requests on a reused (keep-alive) connection: without TCP_NODELAY each response waited
// ~40 ms for the client's delayed ACK between its header and body writes.
TEST(Hostile, ReusedConnectionsAnswerWithoutNagleDelays) {
  ExporterProcess exporter;
  const int fd = testing::ConnectLoopback(exporter.port());
  ASSERT_GE(fd, 0);
  timeval limit{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  constexpr int kRequests = 20;
  const auto started = Clock::now();
  for (int i = 0; i < kRequests; ++i) {
    ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    ASSERT_EQ(ReadOneResponse(fd).substr(0, 12), "HTTP/1.1 200") << "request " << i;
  }
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  ::close(fd);
  // 20 Nagle delays would be ~800 ms; without them the whole series takes a few ms. The bound
  // is far from both, so a loaded machine does not fail it.
  EXPECT_LT(elapsed.count(), 400) << "20 reused-connection requests took " << elapsed.count()
                                  << " ms";
}

/// CPU seconds (user + system) the process has used, from /proc/PID/stat.
double CpuSecondsOf(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// With its file descriptors used up, the accept loop pauses instead of spinning, and the
// exporter serves again once connections close.
TEST(Hostile, AcceptLoopDoesNotSpinWhenDescriptorsRunOut) {
  ExporterProcess exporter({"--web.request-timeout=30s", "--web.max-connections-per-client=0"},
                           std::nullopt, {}, {"prlimit", "--nofile=64:64", "--"});
  std::vector<int> idle;
  // Far more than 64 descriptors' worth, each sending a first byte (connections that send
  // nothing are not even accepted: TCP_DEFER_ACCEPT) and then nothing more.
  for (int i = 0; i < 150; ++i) {
    const int fd = testing::ConnectLoopback(exporter.port());
    if (fd < 0) continue;
    ssize_t sent = ::send(fd, "G", 1, MSG_NOSIGNAL);
    (void)sent;
    idle.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const double before = CpuSecondsOf(exporter.pid());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const double used = CpuSecondsOf(exporter.pid()) - before;
  for (int fd : idle) ::close(fd);
  // Spinning took ~0.93 s of CPU a second; paused, a few milliseconds.
  EXPECT_LT(used, 0.4) << "the exporter used " << used << " s of CPU in 2 s";
  EXPECT_NE(exporter.Log().find("out of file descriptors"), std::string::npos) << exporter.Log();
  bool served = false;
  for (int i = 0; i < 40 && !served; ++i) {
    try {
      served = HttpRequest(exporter.port(), "GET", "/metrics", {}, 5000).status == 200;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }
  EXPECT_TRUE(served);
}

}  // namespace
}  // namespace ipc_exporter::testing
