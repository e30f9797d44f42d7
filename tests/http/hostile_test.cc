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
#include <random>
#include <thread>

#include "exporter_process.h"
#include "exposition.h"
#include "http_client.h"

namespace ipc_exporter::testing {
namespace {

using Clock = std::chrono::steady_clock;

int ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Clients that send a request line and then one header byte at a time, forever (until stopped
/// or the server closes them): the slowloris attack.
class Slowloris {
 public:
  Slowloris(int port, int clients) {
    for (int i = 0; i < clients; ++i) {
      int fd = ConnectLoopback(port);
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
  // 2 s to send a request; 8 scrape slots, so 8 + 8 = 16 workers, all taken by 40 slow clients.
  ExporterProcess exporter({"--web.request-timeout=2s", "--web.max-requests=8"});
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

}  // namespace
}  // namespace ipc_exporter::testing
