#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cerrno>

#include "procfs/ipc_syscalls.h"
#include "procfs/semctl_arg.h"

namespace ipc_exporter {
namespace {

SyscallResult FromErrno(int error) {
  switch (error) {
    case EINVAL:
    case EIDRM:
      return {SyscallOutcome::kGone, error};
    case EACCES:
    case EPERM:
      return {SyscallOutcome::kDenied, error};
    default:
      return {SyscallOutcome::kFailed, error};
  }
}

}  // namespace

SyscallResult LinuxIpcSyscalls::ReadSemaphores(int32_t semid, uint64_t listed_semaphores,
                                               std::vector<SemaphoreState>* states) {
  states->clear();
  // The kernel's own count sizes the GETALL buffer, never the listing's: a listing from a fixture
  // tree or a stale read must not make the kernel write past the end of it.
  struct semid_ds info {};
  SemctlArg arg{};
  arg.buf = &info;
  if (::semctl(semid, 0, IPC_STAT, arg) < 0) return FromErrno(errno);
  if (info.sem_nsems != listed_semaphores) return {SyscallOutcome::kGone, 0};

  std::vector<unsigned short> values(info.sem_nsems);
  arg.array = values.data();
  if (::semctl(semid, 0, GETALL, arg) < 0) return FromErrno(errno);

  states->resize(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    int semnum = static_cast<int>(i);
    int ncount = ::semctl(semid, semnum, GETNCNT);
    int zcount = ncount < 0 ? -1 : ::semctl(semid, semnum, GETZCNT);
    int pid = zcount < 0 ? -1 : ::semctl(semid, semnum, GETPID);
    if (pid < 0) {
      SyscallResult result = FromErrno(errno);
      states->clear();
      return result;
    }
    (*states)[i] = SemaphoreState{values[i], static_cast<uint32_t>(ncount),
                                  static_cast<uint32_t>(zcount), pid};
  }
  return {};
}

SyscallResult LinuxIpcSyscalls::ReadQueueCapacity(int32_t msqid, uint64_t* capacity_bytes) {
  struct msqid_ds info {};
  if (::msgctl(msqid, IPC_STAT, &info) == 0) {
    *capacity_bytes = info.msg_qbytes;
    return {};
  }
  SyscallResult stat = FromErrno(errno);
  if (stat.outcome != SyscallOutcome::kDenied) return stat;

  // Without read permission, MSG_STAT_ANY (Linux 4.17+) still answers, but it takes the slot
  // index rather than the id. The index is the id's low bits: 15 of them, or 24 when the kernel
  // was booted with ipcmni_extend. The call returns the full id, which tells if the slot is ours.
  for (int32_t mask : {0x7fff, 0xffffff}) {
    int found = ::msgctl(msqid & mask, MSG_STAT_ANY, &info);
    if (found == msqid) {
      *capacity_bytes = info.msg_qbytes;
      return {};
    }
  }
  return stat;
}

SyscallResult LinuxIpcSyscalls::StatSysvObject(SysvObjectKind kind, int32_t id) {
  int result = -1;
  switch (kind) {
    case SysvObjectKind::kSegment: {
      struct shmid_ds info {};
      result = ::shmctl(id, IPC_STAT, &info);
      break;
    }
    case SysvObjectKind::kSemaphoreArray: {
      struct semid_ds info {};
      SemctlArg arg{};
      arg.buf = &info;
      result = ::semctl(id, 0, IPC_STAT, arg);
      break;
    }
    case SysvObjectKind::kQueue: {
      struct msqid_ds info {};
      result = ::msgctl(id, IPC_STAT, &info);
      break;
    }
  }
  return result < 0 ? FromErrno(errno) : SyscallResult{};
}

SyscallResult LinuxIpcSyscalls::ReadMqueueAttributes(const std::string& name,
                                                     MqueueAttributes* attributes) {
  // Read-only and non-blocking: opening neither changes the queue nor waits on it.
  mqd_t queue = ::mq_open(name.c_str(), O_RDONLY | O_NONBLOCK);
  if (queue == static_cast<mqd_t>(-1)) {
    return errno == ENOENT ? SyscallResult{SyscallOutcome::kGone, errno} : FromErrno(errno);
  }
  struct mq_attr attr {};
  int result = ::mq_getattr(queue, &attr);
  int error = errno;
  ::mq_close(queue);
  if (result != 0) return FromErrno(error);
  attributes->messages = static_cast<uint64_t>(attr.mq_curmsgs);
  attributes->max_messages = static_cast<uint64_t>(attr.mq_maxmsg);
  attributes->message_size = static_cast<uint64_t>(attr.mq_msgsize);
  return {};
}

SyscallResult LinuxIpcSyscalls::JoinIpcNamespace(const std::string& path) {
  // Non-blocking: under a fixture --path.procfs the path could be a FIFO.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    return errno == ENOENT || errno == ESRCH ? SyscallResult{SyscallOutcome::kGone, errno}
                                             : FromErrno(errno);
  }
  int result = ::setns(fd, CLONE_NEWIPC);
  int error = errno;
  ::close(fd);
  return result == 0 ? SyscallResult{} : FromErrno(error);
}

uint64_t LinuxIpcSyscalls::PageSize() const {
  return static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace ipc_exporter
