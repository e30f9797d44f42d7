#include "procfs/kernel_limits.h"

#include "procfs/text_fields.h"

namespace ipc_exporter {

std::optional<std::vector<uint64_t>> ParseUnsignedList(std::string_view text) {
  std::vector<uint64_t> values;
  for (std::string_view field = detail::NextField(text, " \t\n"); !field.empty();
       field = detail::NextField(text, " \t\n")) {
    uint64_t value = 0;
    if (!detail::ParseWholeNumber(field, &value)) return std::nullopt;
    values.push_back(value);
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
