#include "posix_parsers.h"

#include <charconv>
#include <cstring>

namespace ipc_exporter {
namespace {

std::string DecodeOctalEscapes(std::string_view text) {
  std::string decoded;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size()) {
      int value = 0;
      auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 4, value, 8);
      if (ec == std::errc() && end == text.data() + i + 4) {
        decoded.push_back(static_cast<char>(value));
        i += 3;
        continue;
      }
    }
    decoded.push_back(text[i]);
  }
  return decoded;
}

}  // namespace

std::optional<std::string> FindMqueueMount(std::string_view mountinfo) {
  while (!mountinfo.empty()) {
    size_t end = mountinfo.find('\n');
    std::string_view line = mountinfo.substr(0, end);
    mountinfo.remove_prefix(end == std::string_view::npos ? mountinfo.size() : end + 1);
    // "36 35 0:31 / /dev/mqueue rw,relatime shared:14 - mqueue mqueue rw"
    size_t separator = line.find(" - ");
    if (separator == std::string_view::npos) continue;
    std::string_view after = line.substr(separator + 3);
    if (after.substr(0, after.find(' ')) != "mqueue") continue;
    // The mount point is the fifth field.
    size_t start = 0;
    for (int field = 0; field < 4; ++field) {
      start = line.find(' ', start);
      if (start == std::string_view::npos) break;
      ++start;
    }
    if (start == std::string_view::npos || start >= separator) continue;
    return DecodeOctalEscapes(line.substr(start, line.find(' ', start) - start));
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
