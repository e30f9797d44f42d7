#include "exposition_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <type_traits>

namespace ipc_exporter {
namespace detail {

void AppendEscapedLabelValue(std::string* out, std::string_view value) {
  // Nearly every value (keys, ids, names) needs no escaping: copy it in one go.
  size_t i = 0;
  while (i < value.size() && value[i] != '\\' && value[i] != '"' && value[i] != '\n') ++i;
  out->append(value.data(), i);
  value.remove_prefix(i);
  for (char c : value) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '"':
        out->append("\\\"");
        break;
      case '\n':
        out->append("\\n");
        break;
      default:
        out->push_back(c);
    }
  }
}

void AppendEscapedHelp(std::string* out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      default:
        out->push_back(c);
    }
  }
}

void AppendDouble(std::string* out, double value) {
  if (std::isnan(value)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(value)) {
    out->append(value > 0 ? "+Inf" : "-Inf");
    return;
  }
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, result.ptr);
}

}  // namespace detail

void ExpositionWriter::Family(std::string_view name, std::string_view help, MetricType type) {
  family_name_ = name;
  family_help_ = help;
  family_type_ = type;
  family_header_written_ = false;
}

void ExpositionWriter::SetLeadingLabel(std::string_view name, std::string_view value) {
  leading_label_.assign(name).append("=\"");
  detail::AppendEscapedLabelValue(&leading_label_, value);
  leading_label_.push_back('"');
}

void ExpositionWriter::WriteHeaderIfNeeded() {
  if (family_header_written_) return;
  out_->append("# HELP ").append(family_name_).push_back(' ');
  detail::AppendEscapedHelp(out_, family_help_);
  out_->append("\n# TYPE ").append(family_name_);
  out_->append(family_type_ == MetricType::kCounter ? " counter\n" : " gauge\n");
  family_header_written_ = true;
}

namespace {

bool NeedsEscaping(std::string_view value) {
  for (char c : value) {
    if (c == '\\' || c == '"' || c == '\n') return true;
  }
  return false;
}

char* Copy(char* at, std::string_view text) {
  std::memcpy(at, text.data(), text.size());
  return at + text.size();
}

}  // namespace

bool ExpositionWriter::ComposeFast(std::initializer_list<Label> labels, char** at,
                                   const char* end) const {
  char* p = *at;
  if (family_name_.size() + 2 > static_cast<size_t>(end - p)) return false;
  p = Copy(p, family_name_);
  if (labels.size() != 0 || !leading_label_.empty()) {
    *p++ = '{';
    if (!leading_label_.empty()) {
      if (leading_label_.size() + 2 > static_cast<size_t>(end - p)) return false;
      p = Copy(p, leading_label_);
      *p++ = ',';
    }
    for (const Label& label : labels) {
      // name="value", plus one byte for the ',' or '}' that follows
      if (label.name.size() + label.value.size() + 4 > static_cast<size_t>(end - p)) return false;
      if (NeedsEscaping(label.value)) return false;
      p = Copy(p, label.name);
      *p++ = '=';
      *p++ = '"';
      p = Copy(p, label.value);
      *p++ = '"';
      *p++ = ',';
    }
    p[-1] = '}';
  }
  *p++ = ' ';
  *at = p;
  return true;
}

void ExpositionWriter::BeginSampleSlow(std::initializer_list<Label> labels) {
  out_->append(family_name_);
  if (labels.size() != 0 || !leading_label_.empty()) {
    out_->push_back('{');
    out_->append(leading_label_);
    bool first = leading_label_.empty();
    for (const Label& label : labels) {
      if (!first) out_->push_back(',');
      first = false;
      out_->append(label.name).append("=\"");
      detail::AppendEscapedLabelValue(out_, label.value);
      out_->push_back('"');
    }
    out_->push_back('}');
  }
  out_->push_back(' ');
}

// The hot path: the whole line is composed in a stack buffer and appended at once, which is
// several times cheaper than appending its pieces one by one. Lines too long for the buffer, or
// with a value to escape, take the slow path.
template <typename Number>
void ExpositionWriter::WriteSample(std::initializer_list<Label> labels, Number value) {
  WriteHeaderIfNeeded();
  char line[480];
  char* at = line;
  constexpr size_t kNumberRoom = 40;  // any double, int64 or uint64, and the newline
  if (!ComposeFast(labels, &at, line + sizeof(line) - kNumberRoom)) {
    BeginSampleSlow(labels);
    at = line;
  }
  if constexpr (std::is_floating_point_v<Number>) {
    std::string text;
    detail::AppendDouble(&text, value);
    at = Copy(at, text);
  } else {
    at = std::to_chars(at, line + sizeof(line), value).ptr;
  }
  *at++ = '\n';
  out_->append(line, static_cast<size_t>(at - line));
}

void ExpositionWriter::Sample(std::initializer_list<Label> labels, uint64_t value) {
  WriteSample(labels, value);
}

void ExpositionWriter::Sample(std::initializer_list<Label> labels, int64_t value) {
  WriteSample(labels, value);
}

void ExpositionWriter::Sample(std::initializer_list<Label> labels, double value) {
  WriteSample(labels, value);
}

}  // namespace ipc_exporter
