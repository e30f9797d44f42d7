// libFuzzer target: what arrives from outside as text: the Accept-Encoding header, and flag
// values (durations, listen addresses).
#include <string>

#include "exporter/flag_values.h"
#include "exporter/http_encoding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  ipc_exporter::AcceptsGzip(text);
  ipc_exporter::ParseDurationSeconds(text);
  std::string why;
  ipc_exporter::NormaliseListenAddress(text, &why);
  return 0;
}
