#pragma once

#include <charconv>
#include <string_view>

namespace ipc_exporter::detail {

/// Splits off the next line of `text` (without its newline); the last line may lack one.
inline std::string_view NextLine(std::string_view& text) {
  size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return line;
}

/// Splits off the next field of `line`, fields being separated by runs of any of `separators`
/// (spaces by default: /proc/PID/maps pads its columns with them). Returns "" at the end. The
/// one tokeniser of /proc text.
inline std::string_view NextField(std::string_view& line, std::string_view separators = " ") {
  // Plain loops, as the table parser had: find_first_of looks each character up in the set
  // through a call, and a large scrape splits hundreds of thousands of fields.
  const auto is_separator = [&](char c) {
    for (char separator : separators) {
      if (c == separator) return true;
    }
    return false;
  };
  size_t start = 0;
  while (start < line.size() && is_separator(line[start])) ++start;
  size_t end = start;
  while (end < line.size() && !is_separator(line[end])) ++end;
  std::string_view field = line.substr(start, end - start);
  line.remove_prefix(end);
  return field;
}

/// Parses all of `text` as a number in `base`. False if it is empty, has anything else in it, or
/// does not fit in `Number` (a negative number for an unsigned one included).
template <typename Number>
bool ParseWholeNumber(std::string_view text, Number* value, int base = 10) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value, base);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace ipc_exporter::detail
