#include "object_families.h"

#include <iterator>

namespace ipc_exporter {

std::string FormatMode(uint32_t perms) {
  char buffer[8];
  std::snprintf(buffer, sizeof(buffer), "0%03o", perms & 0777u);
  return buffer;
}

std::string HumanBytes(uint64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f %s", value, kUnits[unit]);
  return buffer;
}

void WriteSingleGauge(ExpositionWriter& out, std::string_view name, std::string_view help,
                      std::optional<uint64_t> value) {
  if (!value) return;
  out.Family(name, help);
  out.Sample({}, *value);
}

void WriteSingleGauge(ExpositionWriter& out, std::string_view name, std::string_view help,
                      std::optional<double> value) {
  if (!value) return;
  out.Family(name, help);
  out.Sample({}, *value);
}

}  // namespace ipc_exporter
