// libFuzzer target: the /proc/sysvipc table parsers must reject or accept any text without
// crashing, and every record they accept must carry values within the kernel's ranges.
#include <cstdlib>
#include <string>
#include <string_view>

#include "procfs/sysv_parsers.h"
#include "procfs/sysv_table.h"

using namespace ipc_exporter;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    for (const ShmSegment& s : ParseShmTable(text, "shm").records) {
      if (s.shmid < 0 || s.creator_pid < 0 || s.owner.perms > 07777) std::abort();
    }
  } catch (const TableFormatError&) {
  }
  try {
    for (const SemArray& a : ParseSemTable(text, "sem").records) {
      if (a.semid < 0 || a.semaphores > INT32_MAX) std::abort();
    }
  } catch (const TableFormatError&) {
  }
  try {
    for (const MsgQueue& q : ParseMsgTable(text, "msg").records) {
      if (q.msqid < 0 || q.last_receive_pid < 0) std::abort();
    }
  } catch (const TableFormatError&) {
  }
  return 0;
}
