#include "ipc_objects.h"

#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>

#include "procfs/process_stat.h"
#include "procfs/semctl_arg.h"

namespace ipc_exporter::testing {
namespace {

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

TestShm::TestShm(size_t size, int mode, key_t key) {
  id_ = ::shmget(key, size, IPC_CREAT | IPC_EXCL | mode);
  Check(id_ >= 0, "shmget");
}

TestShm::~TestShm() {
  if (address_ != nullptr) ::shmdt(address_);
  if (!removed_) ::shmctl(id_, IPC_RMID, nullptr);
}

void TestShm::Attach() {
  address_ = ::shmat(id_, nullptr, 0);
  Check(address_ != reinterpret_cast<void*>(-1), "shmat");
}

void TestShm::MarkRemoved() {
  Check(::shmctl(id_, IPC_RMID, nullptr) == 0, "shmctl IPC_RMID");
  removed_ = true;
}

TestSemArray::TestSemArray(int semaphores, int mode) {
  id_ = ::semget(IPC_PRIVATE, semaphores, IPC_CREAT | mode);
  Check(id_ >= 0, "semget");
}

TestSemArray::~TestSemArray() { ::semctl(id_, 0, IPC_RMID); }

void TestSemArray::SetAll(const std::vector<unsigned short>& values) {
  std::vector<unsigned short> copy = values;
  SemctlArg arg{};
  arg.array = copy.data();
  Check(::semctl(id_, 0, SETALL, arg) == 0, "semctl SETALL");
}

void TestSemArray::Operate(int semnum, short delta) {
  sembuf op{static_cast<unsigned short>(semnum), delta, 0};
  Check(::semop(id_, &op, 1) == 0, "semop");
}

int TestSemArray::Count(int semnum, int command) {
  int value = ::semctl(id_, semnum, command);
  Check(value >= 0, "semctl");
  return value;
}

TestMsgQueue::TestMsgQueue(int mode) {
  id_ = ::msgget(IPC_PRIVATE, IPC_CREAT | mode);
  Check(id_ >= 0, "msgget");
}

TestMsgQueue::~TestMsgQueue() { ::msgctl(id_, IPC_RMID, nullptr); }

void TestMsgQueue::SetCapacity(size_t bytes) {
  msqid_ds info{};
  Check(::msgctl(id_, IPC_STAT, &info) == 0, "msgctl IPC_STAT");
  info.msg_qbytes = bytes;
  Check(::msgctl(id_, IPC_SET, &info) == 0, "msgctl IPC_SET");
}

void TestMsgQueue::Send(size_t text_bytes) {
  std::vector<char> message(sizeof(long) + text_bytes, 'x');
  long type = 1;
  std::memcpy(message.data(), &type, sizeof(type));
  Check(::msgsnd(id_, message.data(), text_bytes, IPC_NOWAIT) == 0, "msgsnd");
}

void TestMsgQueue::Receive() {
  std::vector<char> message(sizeof(long) + 65536);
  Check(::msgrcv(id_, message.data(), 65536, 0, IPC_NOWAIT) >= 0, "msgrcv");
}

LeakedSegment::LeakedSegment(size_t size) {
  int fds[2];
  Check(::pipe(fds) == 0, "pipe");
  creator_ = ::fork();
  Check(creator_ >= 0, "fork");
  if (creator_ == 0) {
    int id = ::shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
    ssize_t ignored = ::write(fds[1], &id, sizeof(id));
    (void)ignored;
    ::_exit(0);
  }
  ::close(fds[1]);
  ssize_t got = ::read(fds[0], &id_, sizeof(id_));
  ::close(fds[0]);
  ::waitpid(creator_, nullptr, 0);
  if (got != static_cast<ssize_t>(sizeof(id_)) || id_ < 0) {
    throw std::runtime_error("the child could not create a segment");
  }
}

LeakedSegment::~LeakedSegment() { ::shmctl(id_, IPC_RMID, nullptr); }

ChildProcess::ChildProcess(const std::function<void()>& body) {
  pid_ = ::fork();
  Check(pid_ >= 0, "fork");
  if (pid_ == 0) {
    body();
    ::_exit(0);
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

bool IsSleeping(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const std::optional<ProcessStat> stat = ParseProcessStat(text);
  return stat && stat->state == 'S';
}

bool WaitFor(const std::function<bool()>& condition, int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 10) {
    if (condition()) return true;
    ::usleep(10000);
  }
  return condition();
}

}  // namespace ipc_exporter::testing
