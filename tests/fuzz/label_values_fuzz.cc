// libFuzzer target: any bytes as a label value and HELP text must come out as exactly one
// sample line that unescapes back to the input.
#include <cstdlib>
#include <string>

#include "exposition_writer.h"

namespace {

std::string Unescape(std::string_view escaped) {
  std::string value;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '\\' && i + 1 < escaped.size()) {
      ++i;
      value.push_back(escaped[i] == 'n' ? '\n' : escaped[i]);
    } else {
      value.push_back(escaped[i]);
    }
  }
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::string out;
  ipc_exporter::ExpositionWriter writer(&out);
  writer.Family("fuzz_info", input);
  writer.Sample({{"value", input}}, uint64_t{1});
  // Three lines: HELP, TYPE, the sample; no raw newline may survive inside them.
  size_t newlines = 0;
  for (char c : out) newlines += c == '\n';
  if (newlines != 3) std::abort();
  // The sample is the third line (the input may repeat the sample's text in the HELP line).
  const std::string_view sample =
      std::string_view(out).substr(out.find('\n', out.find('\n') + 1) + 1);
  const std::string_view prefix = "fuzz_info{value=\"";
  const std::string_view suffix = "\"} 1\n";
  if (sample.substr(0, prefix.size()) != prefix || sample.size() < prefix.size() + suffix.size() ||
      sample.substr(sample.size() - suffix.size()) != suffix) {
    std::abort();
  }
  const std::string_view escaped =
      sample.substr(prefix.size(), sample.size() - prefix.size() - suffix.size());
  if (Unescape(escaped) != input) std::abort();
  return 0;
}
