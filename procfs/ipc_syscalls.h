#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ipc_exporter {

/// How a read of one IPC object through its *ctl call ended.
enum class SyscallOutcome {
  kOk,
  kGone,    // EINVAL / EIDRM: the object was removed after it was listed; skip it silently
  kDenied,  // EACCES / EPERM: no read permission and no CAP_IPC_OWNER
  kFailed,  // anything else; `error` holds errno
};

struct SyscallResult {
  SyscallOutcome outcome = SyscallOutcome::kOk;
  int error = 0;
};

/// One semaphore of an array, as semctl reports it.
struct SemaphoreState {
  uint32_t value = 0;    // semval (GETALL)
  uint32_t ncount = 0;   // waiting for the value to increase (GETNCNT)
  uint32_t zcount = 0;   // waiting for the value to become zero (GETZCNT)
  int32_t last_pid = 0;  // sempid (GETPID), 0 if never operated on
};

/// A POSIX message queue's attributes, as mq_getattr reports them.
struct MqueueAttributes {
  uint64_t messages = 0;      // mq_curmsgs
  uint64_t max_messages = 0;  // mq_maxmsg
  uint64_t message_size = 0;  // mq_msgsize
};

enum class SysvObjectKind { kSegment, kSemaphoreArray, kQueue };

/// The syscalls the collectors need beyond /proc: the one seam that fakes replace in tests.
/// Implementations must only read: no call here may change or remove an IPC object.
/// Thread-safe: the real implementation holds no state.
class IpcSyscalls {
 public:
  virtual ~IpcSyscalls() = default;

  /// Reads every semaphore of array `semid` (listed with `listed_semaphores` semaphores).
  /// `states` gets one entry per semaphore on kOk and is left empty otherwise.
  virtual SyscallResult ReadSemaphores(int32_t semid, uint64_t listed_semaphores,
                                       std::vector<SemaphoreState>* states) = 0;

  /// Reads msg_qbytes, the capacity of queue `msqid` in bytes.
  virtual SyscallResult ReadQueueCapacity(int32_t msqid, uint64_t* capacity_bytes) = 0;

  /// The page size that kernel.shmall is counted in.
  virtual uint64_t PageSize() const = 0;

  /// mq_getattr of the POSIX queue `name` ("/NAME"), opened read-only and closed again.
  virtual SyscallResult ReadMqueueAttributes(const std::string& name,
                                             MqueueAttributes* attributes) = 0;

  /// Whether System V object `id` of `kind` still exists in the calling thread's namespace
  /// (IPC_STAT): kGone once it was removed, kDenied if it exists but may not be read.
  virtual SyscallResult StatSysvObject(SysvObjectKind kind, int32_t id) = 0;

  /// Moves the calling thread (not the process) into the IPC namespace that `path` refers to
  /// (/proc/PID/ns/ipc or a bind mount of it) with setns: every call above then reads that
  /// namespace. kGone if it went away, kDenied without CAP_SYS_ADMIN and ptrace access.
  virtual SyscallResult JoinIpcNamespace(const std::string& path) = 0;
};

/// The real thing: semctl and msgctl on the calling thread's IPC namespace.
class LinuxIpcSyscalls final : public IpcSyscalls {
 public:
  SyscallResult ReadSemaphores(int32_t semid, uint64_t listed_semaphores,
                               std::vector<SemaphoreState>* states) override;
  SyscallResult ReadQueueCapacity(int32_t msqid, uint64_t* capacity_bytes) override;
  SyscallResult StatSysvObject(SysvObjectKind kind, int32_t id) override;
  uint64_t PageSize() const override;
  SyscallResult ReadMqueueAttributes(const std::string& name,
                                     MqueueAttributes* attributes) override;
  SyscallResult JoinIpcNamespace(const std::string& path) override;
};

}  // namespace ipc_exporter
