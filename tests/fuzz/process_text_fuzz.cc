// libFuzzer target: /proc/PID/stat, /proc/stat and /proc/PID/maps parsers.
#include <string_view>

#include "process_stat.h"
#include "shm_attachers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ipc_exporter::ParseProcessStat(text);
  ipc_exporter::ParseBootTime(text);
  for (int32_t shmid : ipc_exporter::ParseSysvAttachments(text)) {
    if (shmid < 0) __builtin_trap();
  }
  return 0;
}
