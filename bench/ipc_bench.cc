// ipc_bench: measures one running exporter against the floor reader and `ipcs -a`, all in one
// run on the same objects, and prints the numbers as key=value lines for run_benchmark.sh.
//
//   ipc_bench --port PORT --pid EXPORTER_PID [--scrapes N]
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "floor_reader.h"
#include "http_client.h"

namespace {

using Clock = std::chrono::steady_clock;

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

/// Runs `work` `runs` times; returns the median wall time in milliseconds.
double MedianMs(int runs, const std::function<void()>& work) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    auto start = Clock::now();
    work();
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  return Median(times);
}

/// utime + stime of `pid`, in seconds.
double CpuSeconds(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(file)), {});
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

/// A line of /proc/PID/status such as VmHWM, in KiB.
long StatusKiB(pid_t pid, const std::string& key) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(file, line)) {
    if (line.rfind(key + ":", 0) == 0)
      return std::strtol(line.c_str() + key.size() + 1, nullptr, 10);
  }
  return -1;
}

void RunIpcs() {
  pid_t pid = ::fork();
  if (pid == 0) {
    int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, STDOUT_FILENO);
    ::execlp("ipcs", "ipcs", "-a", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::waitpid(pid, nullptr, 0);
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  pid_t pid = 0;
  int scrapes = 15;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    int value = std::atoi(argv[i + 1]);
    if (flag == "--port") port = value;
    if (flag == "--pid") pid = value;
    if (flag == "--scrapes") scrapes = value;
  }
  if (port <= 0 || pid <= 0 || scrapes <= 0) {
    std::fprintf(stderr, "usage: ipc_bench --port PORT --pid EXPORTER_PID [--scrapes N]\n");
    return 2;
  }
  size_t body_bytes = 0, gzip_bytes = 0;
  auto scrape = [&](bool gzip) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (gzip) headers.push_back({"Accept-Encoding", "gzip"});
    auto response =
        ipc_exporter::testing::HttpRequestDiscardingBody(port, "/metrics", headers, 60000);
    if (response.status != 200) {
      std::fprintf(stderr, "scrape answered %d\n", response.status);
      std::exit(1);
    }
    (gzip ? gzip_bytes : body_bytes) = response.body_bytes;
  };
  scrape(false);  // warm-up: caches of names and pages
  scrape(true);

  double cpu_before = CpuSeconds(pid);
  double plain_ms = MedianMs(scrapes, [&] { scrape(false); });
  double cpu_per_scrape_ms = (CpuSeconds(pid) - cpu_before) * 1e3 / scrapes;
  double gzip_ms = MedianMs(scrapes, [&] { scrape(true); });
  ipc_bench::FloorCounts counts;
  double floor_ms = MedianMs(scrapes, [&] { counts = ipc_bench::ReadEverything(); });
  double ipcs_ms = MedianMs(scrapes, RunIpcs);

  std::printf("segments=%llu arrays=%llu semaphores=%llu queues=%llu\n",
              static_cast<unsigned long long>(counts.segments),
              static_cast<unsigned long long>(counts.arrays),
              static_cast<unsigned long long>(counts.semaphores),
              static_cast<unsigned long long>(counts.queues));
  std::printf("plain_ms=%.2f gzip_ms=%.2f floor_ms=%.2f ipcs_ms=%.2f cpu_per_scrape_ms=%.2f\n",
              plain_ms, gzip_ms, floor_ms, ipcs_ms, cpu_per_scrape_ms);
  std::printf("plain_vs_floor=%.2f plain_vs_ipcs=%.2f\n", plain_ms / floor_ms, plain_ms / ipcs_ms);
  std::printf("body_bytes=%zu gzip_bytes=%zu peak_rss_kib=%ld rss_kib=%ld\n", body_bytes,
              gzip_bytes, StatusKiB(pid, "VmHWM"), StatusKiB(pid, "VmRSS"));
  return 0;
}
