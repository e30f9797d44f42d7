#include "collectors/object_families.h"

#include <iterator>

namespace ipc_exporter {

std::string FormatMode(uint32_t perms) {
  char buffer[8];
  std::snprintf(buffer, sizeof(buffer), "0%03o", perms & 0777u);
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
