// libFuzzer target: any bytes as a label value and HELP text must come out as exactly one
// sample line of valid UTF-8 that unescapes back to the input when the input is valid UTF-8.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "exposition/exposition_writer.h"

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

/// An independent check: decodes each code point and rejects overlong forms, surrogates and
/// values above U+10FFFF.
bool ValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80         ? 1
                    : (lead >> 5) == 6  ? 2
                    : (lead >> 4) == 14 ? 3
                    : (lead >> 3) == 30 ? 4
                                        : 0;
    if (length == 0 || i + length > text.size()) return false;
    uint32_t code = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      const unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < least[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
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
  if (!ValidUtf8(out)) std::abort();
  if (ValidUtf8(input) && Unescape(escaped) != input) std::abort();
  return 0;
}
