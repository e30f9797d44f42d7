#pragma once

#include <semaphore.h>
#include <sys/types.h>

#include <string>

namespace ipc_exporter::testing {

/// A named semaphore made for the test and unlinked at its end.
class TestNamedSemaphore {
 public:
  TestNamedSemaphore(const std::string& name, unsigned value);
  ~TestNamedSemaphore();
  sem_t* get() { return sem_; }

 private:
  std::string name_;
  sem_t* sem_;
};

/// A POSIX shared memory object made and closed again by the test (so that the children forked
/// later inherit nothing of it), unlinked at the end.
class TestPosixShm {
 public:
  explicit TestPosixShm(const std::string& name, off_t size = 4096, mode_t mode = 0600);
  ~TestPosixShm();
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

/// The mqueue filesystem at /dev/mqueue for the test: mounted if it is not, unmounted after.
class MqueueMount {
 public:
  MqueueMount();
  ~MqueueMount();

 private:
  bool mounted_ = false;
  bool created_dir_ = false;
};

}  // namespace ipc_exporter::testing
