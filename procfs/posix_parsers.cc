#include "procfs/posix_parsers.h"

#include <charconv>
#include <cstring>

#include "procfs/mountinfo.h"

namespace ipc_exporter {

std::optional<std::string> ParseMqueueMount(std::string_view mountinfo) {
  for (MountEntry& mount : ParseMountinfo(mountinfo)) {
    if (mount.fstype == "mqueue") return std::move(mount.mount_point);
  }
  return std::nullopt;
}

std::optional<uint64_t> ParseMqueueQsize(std::string_view text) {
  if (text.substr(0, 6) != "QSIZE:") return std::nullopt;
  text.remove_prefix(6);
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || (end != text.data() + text.size() && *end != ' ')) return std::nullopt;
  return value;
}

std::optional<PosixSemaphoreWord> DecodePosixSemaphore(std::string_view file_start) {
  if (file_start.size() < 32) return std::nullopt;  // sizeof(sem_t) on 64-bit glibc
  uint64_t data = 0;
  std::memcpy(&data, file_start.data(), sizeof(data));
  return PosixSemaphoreWord{static_cast<uint32_t>(data & 0xffffffffu),
                            static_cast<uint32_t>(data >> 32)};
}

}  // namespace ipc_exporter
