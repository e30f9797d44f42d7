#include "procfs/mountinfo.h"

#include <charconv>

#include "procfs/text_fields.h"

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

std::vector<MountEntry> ParseMountinfo(std::string_view mountinfo) {
  std::vector<MountEntry> mounts;
  while (!mountinfo.empty()) {
    std::string_view line = detail::NextLine(mountinfo);
    // "36 35 0:31 / /dev/mqueue rw,relatime shared:14 - mqueue mqueue rw"
    size_t separator = line.find(" - ");
    if (separator == std::string_view::npos) continue;
    std::string_view after = line.substr(separator + 3);
    std::string_view before = line.substr(0, separator);
    std::string_view fields[5];
    for (std::string_view& field : fields) field = detail::NextField(before);
    if (fields[4].empty() || after.empty()) continue;
    mounts.push_back({DecodeOctalEscapes(fields[3]), DecodeOctalEscapes(fields[4]),
                      std::string(detail::NextField(after))});
  }
  return mounts;
}

}  // namespace ipc_exporter
