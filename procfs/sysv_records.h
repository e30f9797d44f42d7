#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ipc_exporter {

/// Ownership shared by every System V IPC object, as /proc/sysvipc prints it.
struct IpcOwnership {
  uint32_t key = 0;    // key_t as its 32 bits; 0 is IPC_PRIVATE
  uint32_t perms = 0;  // mode bits, including SHM_DEST (01000) and SHM_LOCKED (02000) for shm
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t cuid = 0;
  uint32_t cgid = 0;
};

/// One row of /proc/sysvipc/shm. Sizes in bytes, times in Unix seconds (0 = never).
struct ShmSegment {
  int32_t shmid = 0;
  IpcOwnership owner;
  uint64_t size_bytes = 0;
  int32_t creator_pid = 0;         // cpid, 0 when not visible from our pid namespace
  int32_t last_operation_pid = 0;  // lpid
  uint64_t attached = 0;           // nattch
  int64_t attach_time = 0;
  int64_t detach_time = 0;
  int64_t change_time = 0;
  std::optional<uint64_t> resident_bytes;  // rss column, absent before Linux 4.x
  std::optional<uint64_t> swapped_bytes;   // swap column
};

/// One row of /proc/sysvipc/sem. The file carries no semaphore values: see IpcSyscalls.
struct SemArray {
  int32_t semid = 0;
  IpcOwnership owner;
  uint64_t semaphores = 0;  // nsems
  int64_t operation_time = 0;
  int64_t change_time = 0;
};

/// One row of /proc/sysvipc/msg. The file carries no msg_qbytes: see IpcSyscalls.
struct MsgQueue {
  int32_t msqid = 0;
  IpcOwnership owner;
  uint64_t bytes = 0;     // cbytes
  uint64_t messages = 0;  // qnum
  int32_t last_send_pid = 0;
  int32_t last_receive_pid = 0;
  int64_t send_time = 0;
  int64_t receive_time = 0;
  int64_t change_time = 0;
};

/// A parsed table: the rows that were well formed, and one message per row that was not.
template <typename Record>
struct ParsedTable {
  std::vector<Record> records;
  std::vector<std::string> errors;
};

}  // namespace ipc_exporter
