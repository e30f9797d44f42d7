#include "exposition_writer.h"

#include <charconv>
#include <cmath>

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

namespace {

template <typename Integer>
void AppendInteger(std::string* out, Integer value) {
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, result.ptr);
}

}  // namespace

void ExpositionWriter::Family(std::string_view name, std::string_view help, MetricType type) {
  family_name_ = name;
  family_help_ = help;
  family_type_ = type;
  family_header_written_ = false;
}

void ExpositionWriter::BeginSample(std::initializer_list<Label> labels) {
  if (!family_header_written_) {
    out_->append("# HELP ").append(family_name_).push_back(' ');
    detail::AppendEscapedHelp(out_, family_help_);
    out_->append("\n# TYPE ").append(family_name_);
    out_->append(family_type_ == MetricType::kCounter ? " counter\n" : " gauge\n");
    family_header_written_ = true;
  }
  out_->append(family_name_);
  if (labels.size() != 0) {
    out_->push_back('{');
    bool first = true;
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

void ExpositionWriter::Sample(std::initializer_list<Label> labels, uint64_t value) {
  BeginSample(labels);
  AppendInteger(out_, value);
  out_->push_back('\n');
}

void ExpositionWriter::Sample(std::initializer_list<Label> labels, int64_t value) {
  BeginSample(labels);
  AppendInteger(out_, value);
  out_->push_back('\n');
}

void ExpositionWriter::Sample(std::initializer_list<Label> labels, double value) {
  BeginSample(labels);
  detail::AppendDouble(out_, value);
  out_->push_back('\n');
}

}  // namespace ipc_exporter
