#include "exposition/exposition_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <vector>

namespace ipc_exporter {
namespace detail {

size_t Utf8SequenceLength(std::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const auto continuation = [&](size_t i) { return i < text.size() && (byte(i) & 0xC0) == 0x80; };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (text.size() < 3 || !continuation(1) || !continuation(2)) return 0;
    if (lead == 0xE0 && byte(1) < 0xA0) return 0;  // overlong
    if (lead == 0xED && byte(1) > 0x9F) return 0;  // a UTF-16 surrogate
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (text.size() < 4 || !continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (lead == 0xF0 && byte(1) < 0x90) return 0;  // overlong
    if (lead == 0xF4 && byte(1) > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;  // a continuation byte, or a lead byte that UTF-8 never uses
}

namespace {

// U+FFFD REPLACEMENT CHARACTER, for each byte that is not part of valid UTF-8: label values come
// from users (/dev/shm names, commands set with prctl), and one invalid byte would make
// Prometheus reject the whole scrape.
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

/// Appends `text` with `escape` applied to each ASCII character and invalid UTF-8 replaced.
template <typename Escape>
void AppendUtf8(std::string* out, std::string_view text, Escape escape) {
  while (!text.empty()) {
    const size_t length = Utf8SequenceLength(text);
    if (length == 0) {
      out->append(kReplacement);
      text.remove_prefix(1);
    } else if (length == 1) {
      escape(out, text[0]);
      text.remove_prefix(1);
    } else {
      out->append(text.substr(0, length));
      text.remove_prefix(length);
    }
  }
}

/// Appends one ASCII character escaped as the text format wants: backslash and newline
/// everywhere, the double quote only inside a quoted label value.
void AppendEscapedAscii(std::string* to, char c, bool in_quotes) {
  switch (c) {
    case '\\':
      to->append("\\\\");
      break;
    case '\n':
      to->append("\\n");
      break;
    case '"':
      if (in_quotes) {
        to->append("\\\"");
        break;
      }
      [[fallthrough]];
    default:
      to->push_back(c);
  }
}

}  // namespace

void AppendEscapedLabelValue(std::string* out, std::string_view value) {
  // Nearly every value (keys, ids, names) is plain ASCII that needs no escaping: copy it in one go.
  size_t i = 0;
  while (i < value.size() && value[i] != '\\' && value[i] != '"' && value[i] != '\n' &&
         static_cast<unsigned char>(value[i]) < 0x80) {
    ++i;
  }
  out->append(value.data(), i);
  AppendUtf8(out, value.substr(i),
             [](std::string* to, char c) { AppendEscapedAscii(to, c, /*in_quotes=*/true); });
}

void AppendEscapedHelp(std::string* out, std::string_view text) {
  AppendUtf8(out, text,
             [](std::string* to, char c) { AppendEscapedAscii(to, c, /*in_quotes=*/false); });
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
  const size_t begin = out_->size();
  out_->append("# HELP ").append(family_name_).push_back(' ');
  detail::AppendEscapedHelp(out_, family_help_);
  out_->append("\n# TYPE ").append(family_name_);
  switch (family_type_) {
    case MetricType::kGauge:
      out_->append(" gauge\n");
      break;
    case MetricType::kCounter:
      out_->append(" counter\n");
      break;
    case MetricType::kHistogram:
      out_->append(" histogram\n");
      break;
  }
  family_header_written_ = true;
  if (index_ != nullptr) index_->push_back({std::string(family_name_), begin, out_->size()});
}

namespace {

bool NeedsEscaping(std::string_view value) {
  for (char c : value) {
    // Any byte above ASCII goes the slow way too, to be checked as UTF-8.
    if (c == '\\' || c == '"' || c == '\n' || static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

char* Copy(char* at, std::string_view text) {
  // An empty view may hold a null pointer, and memcpy from null is undefined even for 0 bytes.
  if (!text.empty()) std::memcpy(at, text.data(), text.size());
  return at + text.size();
}

}  // namespace

bool ExpositionWriter::ComposeFast(std::span<const Label> labels, char** at,
                                   const char* end) const {
  char* p = *at;
  if (family_name_.size() + sample_suffix_.size() + 2 > static_cast<size_t>(end - p)) {
    return false;
  }
  p = Copy(p, family_name_);
  p = Copy(p, sample_suffix_);
  if (!labels.empty() || !leading_label_.empty()) {
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

void ExpositionWriter::BeginSampleSlow(std::span<const Label> labels) {
  out_->append(family_name_).append(sample_suffix_);
  if (!labels.empty() || !leading_label_.empty()) {
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
void ExpositionWriter::WriteSample(std::span<const Label> labels, Number value) {
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
  WriteSample(std::span<const Label>(labels.begin(), labels.size()), value);
}

void ExpositionWriter::Sample(std::initializer_list<Label> labels, int64_t value) {
  WriteSample(std::span<const Label>(labels.begin(), labels.size()), value);
}

void ExpositionWriter::Sample(std::initializer_list<Label> labels, double value) {
  WriteSample(std::span<const Label>(labels.begin(), labels.size()), value);
}

void ExpositionWriter::SampleWith(std::span<const Label> labels, uint64_t value) {
  WriteSample(labels, value);
}

}  // namespace ipc_exporter

namespace ipc_exporter {

void ExpositionWriter::HistogramSeries(std::span<const Label> labels,
                                       std::span<const double> bounds,
                                       std::span<const uint64_t> slots, double sum) {
  std::vector<Label> with_bound(labels.begin(), labels.end());
  with_bound.push_back({"le", ""});
  std::string bound;
  uint64_t cumulative = 0;
  sample_suffix_ = "_bucket";
  for (size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += i < slots.size() ? slots[i] : 0;
    if (i < bounds.size()) {
      bound.clear();
      detail::AppendDouble(&bound, bounds[i]);
      with_bound.back().value = bound;
    } else {
      with_bound.back().value = "+Inf";
    }
    SampleWith(with_bound, cumulative);
  }
  sample_suffix_ = "_sum";
  WriteSample(labels, sum);
  sample_suffix_ = "_count";
  SampleWith(labels, cumulative);
  sample_suffix_ = {};
}

}  // namespace ipc_exporter
