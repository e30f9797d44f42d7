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
  size_t start = line.find_first_not_of(separators);
  if (start == std::string_view::npos) {
    line = {};
    return {};
  }
  size_t end = line.find_first_of(separators, start);
  std::string_view field = line.substr(start, end - start);
  line.remove_prefix(end == std::string_view::npos ? line.size() : end);
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
