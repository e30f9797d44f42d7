// The exporter's own process_* families, read from this test process's /proc/self.
#include "scrape/process_metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <ctime>

#include "exposition.h"

namespace ipc_exporter {
namespace {

TEST(ProcessMetrics, DescribeThisProcess) {
  std::string text;
  ExpositionWriter out(&text);
  WriteProcessMetrics(out);
  const std::vector<testing::ParsedSample> samples = testing::ParseExposition(text);
  auto value = [&](const char* name) {
    std::optional<std::string> found = testing::FindSample(samples, name);
    EXPECT_TRUE(found) << name << " missing in\n" << text;
    return found ? std::stod(*found) : -1.0;
  };
  EXPECT_GT(value("process_resident_memory_bytes"), 1 << 20);
  EXPECT_GE(value("process_virtual_memory_bytes"), value("process_resident_memory_bytes"));
  EXPECT_GE(value("process_open_fds"), 3);  // stdin, stdout, stderr at least
  EXPECT_GE(value("process_max_fds"), value("process_open_fds"));
  EXPECT_GE(value("process_cpu_seconds_total"), 0);
  const double started = value("process_start_time_seconds");
  EXPECT_LE(started, static_cast<double>(std::time(nullptr)) + 1);
  EXPECT_GT(started, static_cast<double>(std::time(nullptr)) - 24 * 3600);  // this run's
}

}  // namespace
}  // namespace ipc_exporter
