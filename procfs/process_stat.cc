#include "procfs/process_stat.h"

#include <cstdint>
#include <vector>

#include "procfs/text_fields.h"

namespace ipc_exporter {
std::optional<ProcessStat> ParseProcessStat(std::string_view text) {
  size_t open = text.find('(');
  size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  ProcessStat stat;
  stat.command = std::string(text.substr(open + 1, close - open - 1));

  // Fields from 3 (state) on, split on spaces.
  std::vector<std::string_view> fields;
  std::string_view rest = text.substr(close + 1);
  while (fields.size() < 22) {
    std::string_view field = detail::NextField(rest, " \n");
    if (field.empty()) break;
    fields.push_back(field);
  }
  // fields[0] is field 3, so field N is fields[N - 3].
  if (fields.size() < 22) return std::nullopt;
  stat.state = fields[0].size() == 1 ? fields[0][0] : '?';
  uint64_t parent = 0;
  if (!detail::ParseWholeNumber(fields[4 - 3], &parent) || parent > INT32_MAX) return std::nullopt;
  stat.parent_pid = static_cast<int32_t>(parent);
  if (!detail::ParseWholeNumber(fields[14 - 3], &stat.user_ticks) ||
      !detail::ParseWholeNumber(fields[15 - 3], &stat.system_ticks) ||
      !detail::ParseWholeNumber(fields[22 - 3], &stat.start_ticks) ||
      !detail::ParseWholeNumber(fields[23 - 3], &stat.virtual_bytes) ||
      !detail::ParseWholeNumber(fields[24 - 3], &stat.resident_pages)) {
    return std::nullopt;
  }
  return stat;
}

std::optional<ProcessUids> ParseStatusUids(std::string_view text) {
  while (!text.empty()) {
    std::string_view line = detail::NextLine(text);
    if (!line.starts_with("Uid:")) continue;
    std::string_view rest = line.substr(4);
    uint64_t ids[2] = {0, 0};
    for (uint64_t& id : ids) {
      if (!detail::ParseWholeNumber(detail::NextField(rest, " \t"), &id) || id > UINT32_MAX) {
        return std::nullopt;
      }
    }
    return ProcessUids{static_cast<uint32_t>(ids[0]), static_cast<uint32_t>(ids[1])};
  }
  return std::nullopt;
}

std::optional<uint64_t> ParseBootTime(std::string_view text) {
  while (!text.empty()) {
    std::string_view line = detail::NextLine(text);
    if (line.substr(0, 6) == "btime ") {
      uint64_t value = 0;
      if (detail::ParseWholeNumber(line.substr(6), &value)) return value;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace ipc_exporter
