// http_attack: one connection-exhaustion attack against a running exporter on 127.0.0.1, while
// a normal client scrapes /metrics once a second; prints how many of its scrapes succeeded
// within 10 s, the slowest, and the exporter's largest RSS during the run.
//
//   http_attack PORT EXPORTER_PID ATTACK CONNECTIONS RATE_PER_S SECONDS
//
// The attack comes from 127.0.0.2, the normal client from 127.0.0.1.
// ATTACK: idle (connect, send nothing), keepalive (each connection asks /healthz once a
// second), slowloris (request line, then a header byte every 5 s), slowbody (a POST whose body
// trickles), slowread (GET /metrics, then read 1 KiB a second with a small receive buffer).
// Loopback only; every socket is closed at the end; bounded by SECONDS.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"

namespace {

using Clock = std::chrono::steady_clock;

// From 127.0.0.2: the attacker is another client than the normal scraper (127.0.0.1), as it
// would be on a network. Short timeouts, so that one stuck socket does not stall the attack.
int Connect(int port, bool small_receive_buffer) {
  return ipc_exporter::testing::ConnectLoopback(port, 0x7f000002, /*timeout_ms=*/200,
                                                small_receive_buffer ? 4096 : 0);
}

void Send(int fd, const std::string& bytes) {
  ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  (void)sent;  // the server may have closed it: that is its defence working
}

void Drain(int fd, size_t at_most) {
  std::vector<char> buffer(at_most);
  ssize_t got = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
  (void)got;
}

long RssKib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s PORT EXPORTER_PID ATTACK CONNECTIONS RATE_PER_S SECONDS\n",
                 argv[0]);
    return 2;
  }
  const int port = std::stoi(argv[1]);
  const int pid = std::stoi(argv[2]);
  const std::string attack = argv[3];
  const int connections = std::stoi(argv[4]);
  const double rate = std::stod(argv[5]);
  const int seconds = std::stoi(argv[6]);

  std::atomic<bool> stop{false};
  std::atomic<long> peak_rss{RssKib(pid)};
  std::thread attacker([&] {
    std::vector<int> fds;
    const auto start = Clock::now();
    auto last_tick = start;
    while (!stop) {
      const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      while (static_cast<int>(fds.size()) < connections &&
             static_cast<double>(fds.size()) < elapsed * rate + 1) {
        const int fd = Connect(port, attack == "slowread");
        if (fd < 0) break;
        if (attack == "slowloris") Send(fd, "GET /metrics HTTP/1.1\r\nHost: x\r\n");
        if (attack == "slowbody") {
          Send(fd, "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
        }
        if (attack == "slowread") Send(fd, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        fds.push_back(fd);
      }
      if (Clock::now() - last_tick >= std::chrono::seconds(1)) {
        last_tick = Clock::now();
        // Connections the server answered or closed are dropped and made again, as an attacker
        // would.
        fds.erase(std::remove_if(fds.begin(), fds.end(),
                                 [&](int fd) {
                                   char byte;
                                   if (attack == "keepalive" || attack == "slowread") return false;
                                   // An answer (an error) or EOF: the server is done with it.
                                   if (::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) < 0) {
                                     return false;
                                   }
                                   ::close(fd);
                                   return true;
                                 }),
                  fds.end());
        for (int fd : fds) {
          if (attack == "keepalive") {
            Drain(fd, 65536);
            Send(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
          }
          if (attack == "slowloris" && elapsed > 0 && static_cast<int>(elapsed) % 5 == 0) {
            Send(fd, "X");
          }
          if (attack == "slowbody") Send(fd, "x");
          if (attack == "slowread") Drain(fd, 1024);
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (int fd : fds) ::close(fd);
  });
  std::thread sampler([&] {
    while (!stop) {
      peak_rss = std::max(peak_rss.load(), RssKib(pid));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });

  int scrapes = 0, ok = 0;
  double slowest = 0;
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < end) {
    const auto started = Clock::now();
    ++scrapes;
    try {
      ipc_exporter::testing::DiscardedResponse response =
          ipc_exporter::testing::HttpRequestDiscardingBody(port, "/metrics", {}, 10000);
      const double took = std::chrono::duration<double>(Clock::now() - started).count();
      slowest = std::max(slowest, took);
      if (response.status == 200 && took <= 10) ++ok;
    } catch (const std::exception&) {
      slowest = std::max(slowest, std::chrono::duration<double>(Clock::now() - started).count());
    }
    std::this_thread::sleep_until(started + std::chrono::seconds(1));
  }
  stop = true;
  attacker.join();
  sampler.join();
  std::printf(
      "%s connections=%d rate=%g/s: %d of %d scrapes ok (%.0f%%), slowest %.2f s, "
      "peak RSS %.1f MiB\n",
      attack.c_str(), connections, rate, ok, scrapes, 100.0 * ok / std::max(1, scrapes), slowest,
      static_cast<double>(peak_rss.load()) / 1024.0);
  return 0;
}
