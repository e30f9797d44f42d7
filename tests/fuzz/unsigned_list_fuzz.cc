// libFuzzer target: the /proc/sys value parser (kernel.shmmni, kernel.sem, ...).
#include <charconv>
#include <cstdlib>
#include <string>

#include "procfs/kernel_limits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<std::vector<uint64_t>> values = ipc_exporter::ParseUnsignedList(text);
  // What it accepts it must give back: printing the values and parsing them again is stable.
  if (values) {
    std::string printed;
    for (uint64_t v : *values) printed += std::to_string(v) + " ";
    if (ipc_exporter::ParseUnsignedList(printed) != values) std::abort();
  }
  return 0;
}
