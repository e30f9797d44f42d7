// Named POSIX semaphores on the real system: the value and glibc's waiter count as the exporter
// reads them from /dev/shm, without ever opening the semaphore.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <semaphore.h>
#include <unistd.h>

#include "exporter_process.h"
#include "exposition.h"
#include "http_client.h"
#include "ipc_objects.h"

namespace ipc_exporter::testing {
namespace {

/// A named semaphore made for the test and unlinked at its end.
class TestNamedSemaphore {
 public:
  TestNamedSemaphore(const std::string& name, unsigned value) : name_(name) {
    sem_ = ::sem_open(name.c_str(), O_CREAT | O_EXCL, 0600, value);
    if (sem_ == SEM_FAILED) throw std::runtime_error("sem_open " + name + " failed");
  }
  ~TestNamedSemaphore() {
    ::sem_close(sem_);
    ::sem_unlink(name_.c_str());
  }
  sem_t* get() { return sem_; }

 private:
  std::string name_;
  sem_t* sem_;
};

std::optional<std::string> Sample(const ExporterProcess& exporter, const std::string& family,
                                  const std::string& name) {
  return FindSample(ParseExposition(HttpRequest(exporter.port(), "GET", "/metrics").body), family,
                    {{"name", name}});
}

TEST(PosixSemaphores, ValueAndWaitersAsTheKernelAndGlibcHoldThem) {
  const std::string counting = "/ipc-exporter-test-counting-" + std::to_string(::getpid());
  const std::string lock = "/ipc-exporter-test-lock-" + std::to_string(::getpid());
  TestNamedSemaphore three(counting, 3);
  TestNamedSemaphore taken(lock, 0);
  ChildProcess waiter([&] {
    sem_t* sem = ::sem_open(lock.c_str(), 0);
    ::sem_wait(sem);
  });
  ExporterProcess exporter;
  EXPECT_EQ(Sample(exporter, "ipc_posix_sem_value", counting), "3");
  EXPECT_EQ(Sample(exporter, "ipc_posix_sem_waiters", counting), "0");
  EXPECT_TRUE(WaitFor([&] { return Sample(exporter, "ipc_posix_sem_waiters", lock) == "1"; }))
      << "the waiting child never showed";
  EXPECT_EQ(Sample(exporter, "ipc_posix_sem_value", lock), "0");
  ASSERT_EQ(::sem_post(three.get()), 0);
  EXPECT_EQ(Sample(exporter, "ipc_posix_sem_value", counting), "4");
  int value = -1;
  ::sem_getvalue(three.get(), &value);
  EXPECT_EQ(value, 4) << "reading must not have changed it";
}

}  // namespace
}  // namespace ipc_exporter::testing
