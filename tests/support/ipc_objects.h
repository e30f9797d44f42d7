#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace ipc_exporter::testing {

/// Real System V objects made for one test and removed by their destructors, so a failing
/// assertion never leaves them behind. Each removes only the id it created.
class TestShm {
 public:
  TestShm(size_t size, int mode, key_t key = 0);  // key 0 is IPC_PRIVATE
  ~TestShm();
  int id() const { return id_; }
  void Attach();       // shmat in this process
  void MarkRemoved();  // IPC_RMID while attached: the key turns 0 and SHM_DEST is set

 private:
  int id_ = -1;
  void* address_ = nullptr;
  bool removed_ = false;
};

class TestSemArray {
 public:
  TestSemArray(int semaphores, int mode);
  ~TestSemArray();
  int id() const { return id_; }
  void SetAll(const std::vector<unsigned short>& values);
  void Operate(int semnum, short delta);  // a semop from this process, no IPC_NOWAIT
  int Count(int semnum, int command);     // GETNCNT / GETZCNT / GETPID / GETVAL

 private:
  int id_ = -1;
};

class TestMsgQueue {
 public:
  explicit TestMsgQueue(int mode);
  ~TestMsgQueue();
  int id() const { return id_; }
  void SetCapacity(size_t bytes);
  void Send(size_t text_bytes);
  void Receive();

 private:
  int id_ = -1;
};

/// A segment leaked the way a crash leaks one: a child creates it and exits without attaching
/// it. The child is reaped before the constructor returns (no zombie); the destructor removes the
/// segment by its id.
class LeakedSegment {
 public:
  explicit LeakedSegment(size_t size);
  ~LeakedSegment();
  int id() const { return id_; }
  pid_t creator() const { return creator_; }

 private:
  int id_ = -1;
  pid_t creator_ = -1;
};

/// A forked child running `body` (async-signal-safe calls only), killed and reaped by pid in
/// the destructor.
class ChildProcess {
 public:
  explicit ChildProcess(const std::function<void()>& body);
  ~ChildProcess();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

/// Whether process `pid` is asleep (state S in /proc/PID/stat): blocked in a call, e.g. a semop
/// or msgsnd that waits.
bool IsSleeping(pid_t pid);

/// Polls `condition` every 10 ms for at most `timeout_ms`; returns whether it came true.
bool WaitFor(const std::function<bool()>& condition, int timeout_ms = 5000);

}  // namespace ipc_exporter::testing
