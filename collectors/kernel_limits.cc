#include "kernel_limits.h"

#include <charconv>

namespace ipc_exporter {

std::optional<std::vector<uint64_t>> ParseUnsignedList(std::string_view text) {
  std::vector<uint64_t> values;
  const char* at = text.data();
  const char* end = text.data() + text.size();
  for (;;) {
    while (at < end && (*at == ' ' || *at == '\t' || *at == '\n')) ++at;
    if (at == end) break;
    uint64_t value = 0;
    auto [next, ec] = std::from_chars(at, end, value);
    if (ec != std::errc() || (next != end && *next != ' ' && *next != '\t' && *next != '\n')) {
      return std::nullopt;
    }
    values.push_back(value);
    at = next;
  }
  if (values.empty()) return std::nullopt;
  return values;
}

std::optional<std::vector<uint64_t>> ReadLimitValues(const ProcFs& proc, std::string_view relative,
                                                     size_t count,
                                                     std::vector<std::string>* errors) {
  std::optional<std::string> text;
  try {
    text = proc.ReadFileIfExists(relative);
  } catch (const ProcFsError& error) {
    errors->push_back(error.what());
    return std::nullopt;
  }
  if (!text) return std::nullopt;
  std::optional<std::vector<uint64_t>> values = ParseUnsignedList(*text);
  if (!values || values->size() != count) {
    errors->push_back(proc.PathOf(relative) + ": expected " + std::to_string(count) +
                      " unsigned number(s), found \"" + text->substr(0, 60) + "\"");
    return std::nullopt;
  }
  return values;
}

std::optional<uint64_t> ReadLimitValue(const ProcFs& proc, std::string_view relative,
                                       std::vector<std::string>* errors) {
  std::optional<std::vector<uint64_t>> values = ReadLimitValues(proc, relative, 1, errors);
  if (!values) return std::nullopt;
  return (*values)[0];
}

std::optional<SemLimits> ReadSemLimits(const ProcFs& proc, std::vector<std::string>* errors) {
  std::optional<std::vector<uint64_t>> values = ReadLimitValues(proc, "sys/kernel/sem", 4, errors);
  if (!values) return std::nullopt;
  return SemLimits{(*values)[0], (*values)[1], (*values)[2], (*values)[3]};
}

}  // namespace ipc_exporter
