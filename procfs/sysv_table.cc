#include "procfs/sysv_table.h"

#include <charconv>

#include "procfs/text_fields.h"

namespace ipc_exporter {
namespace {

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::string_view field = detail::NextField(line, " \t\r"); !field.empty();
       field = detail::NextField(line, " \t\r")) {
    fields.push_back(field);
  }
  return fields;
}

}  // namespace

SysvTable::SysvTable(std::string_view text, std::string file) : file_(std::move(file)) {
  size_t line_number = 0;
  bool have_header = false;
  while (!text.empty()) {
    std::string_view line = detail::NextLine(text);
    ++line_number;
    std::vector<std::string_view> fields = SplitFields(line);
    if (fields.empty()) continue;
    if (!have_header) {
      header_ = std::move(fields);
      have_header = true;
      continue;
    }
    if (fields.size() != header_.size()) {
      errors_.push_back(file_ + " line " + std::to_string(line_number) + ": has " +
                        std::to_string(fields.size()) + " fields, the header has " +
                        std::to_string(header_.size()) + "; line skipped");
      continue;
    }
    rows_.push_back(Row{line_number, std::move(fields)});
  }
  if (!have_header) throw TableFormatError(file_ + ": empty, no header line");
}

std::optional<size_t> SysvTable::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  return std::nullopt;
}

size_t SysvTable::RequireColumn(std::string_view name) const {
  std::optional<size_t> column = FindColumn(name);
  if (!column) {
    throw TableFormatError(file_ + ": header has no column \"" + std::string(name) + "\"");
  }
  return *column;
}

void RowDecoder::Fail(size_t column, std::string_view what) {
  if (!error_.empty()) return;  // the first problem is the one worth reading
  std::string_view field = row_.fields[column];
  if (field.size() > 40) field = field.substr(0, 40);  // hostile lines stay out of the log
  error_ = table_.file() + " line " + std::to_string(row_.line_number) + ": column " +
           std::to_string(column + 1) + " \"" + std::string(field) + "\" is " + std::string(what) +
           "; line skipped";
}

uint64_t RowDecoder::Unsigned(size_t column, uint64_t max, int base) {
  std::string_view field = row_.fields[column];
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value, base);
  if (ec != std::errc() || end != field.data() + field.size() || value > max) {
    Fail(column, base == 8 ? "not an octal number in range" : "not an unsigned number in range");
    return 0;
  }
  return value;
}

int64_t RowDecoder::Signed(size_t column, int64_t min, int64_t max) {
  std::string_view field = row_.fields[column];
  int64_t value = 0;
  auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (ec != std::errc() || end != field.data() + field.size() || value < min || value > max) {
    Fail(column, "not a number in range");
    return 0;
  }
  return value;
}

uint32_t RowDecoder::Key(size_t column) {
  // The kernel prints key_t with %d, but some tools write keys as unsigned: accept both ranges.
  int64_t value = Signed(column, INT32_MIN, UINT32_MAX);
  return static_cast<uint32_t>(value);
}

}  // namespace ipc_exporter
