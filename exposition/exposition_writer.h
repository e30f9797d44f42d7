#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "exposition/family_index.h"

namespace ipc_exporter {

/// One label of a sample. Views only: the caller keeps the strings alive for the call.
struct Label {
  std::string_view name;
  std::string_view value;
};

enum class MetricType { kGauge, kCounter, kHistogram };

/// Writes the Prometheus text exposition format (version 0.0.4) straight into a string.
///
/// This is the exporter's hot path: no per-sample allocation beyond the output buffer's growth.
/// All escaping happens here and nowhere else. A family's HELP and TYPE lines are written lazily,
/// just before its first sample, so a family with no samples leaves no trace in the output.
/// The caller writes each family's samples together and in the order it wants them listed.
///
/// Not thread-safe: one writer per output buffer.
class ExpositionWriter {
 public:
  explicit ExpositionWriter(std::string* out) : out_(out) {}

  /// Puts `name="value"` first on every sample written from now on (the `ipc_namespace` label
  /// when several IPC namespaces are collected). The value is escaped here.
  void SetLeadingLabel(std::string_view name, std::string_view value);

  /// Records in `index` where each family written from now on begins (see AppendInterleaved).
  void IndexFamiliesInto(FamilyIndex* index) { index_ = index; }

  /// Starts a family. `name` must be a valid metric name; `help` is free text (escaped here).
  void Family(std::string_view name, std::string_view help, MetricType type = MetricType::kGauge);

  /// Writes one sample of the current family. Integers are written exactly, whatever their size.
  void Sample(std::initializer_list<Label> labels, uint64_t value);
  void Sample(std::initializer_list<Label> labels, int64_t value);
  void Sample(std::initializer_list<Label> labels, int value) {
    Sample(labels, static_cast<int64_t>(value));
  }
  void Sample(std::initializer_list<Label> labels, double value);
  /// The same, for labels chosen at run time (a label present for some objects only).
  void SampleWith(std::span<const Label> labels, uint64_t value);
  /// Writes one series of the current family (a kHistogram): its cumulative `_bucket` samples,
  /// one per upper bound in `bounds` (seconds, ascending) and `+Inf`, from `slots` (one count
  /// per bound, not cumulative, and one more for above the last), then `_sum` and `_count`.
  void HistogramSeries(std::span<const Label> labels, std::span<const double> bounds,
                       std::span<const uint64_t> slots, double sum);

 private:
  void WriteHeaderIfNeeded();
  /// Writes name and labels into [*at, end) when they fit and need no escaping; false otherwise.
  bool ComposeFast(std::span<const Label> labels, char** at, const char* end) const;
  void BeginSampleSlow(std::span<const Label> labels);
  template <typename Number>
  void WriteSample(std::span<const Label> labels, Number value);

  std::string* out_;
  std::string_view family_name_;
  std::string_view sample_suffix_;  // after the family name: a histogram's _bucket, _sum, _count
  std::string_view family_help_;
  MetricType family_type_ = MetricType::kGauge;
  bool family_header_written_ = true;
  std::string leading_label_;  // `name="value"`, escaped; empty for none
  FamilyIndex* index_ = nullptr;
};

namespace detail {
/// Appends `value` escaped for a label value: backslash, double quote and newline; each byte
/// that is not part of valid UTF-8 becomes U+FFFD, so the exposition stays valid UTF-8.
void AppendEscapedLabelValue(std::string* out, std::string_view value);

/// The length of the valid UTF-8 sequence at the start of `text` (1 to 4), or 0 if it does not
/// start with one (a stray continuation byte, an overlong form, a surrogate, beyond U+10FFFF, a
/// truncated sequence). `text` must not be empty. Pure.
size_t Utf8SequenceLength(std::string_view text);

/// Appends `text` escaped for a HELP line: backslash and newline; invalid UTF-8 as above.
void AppendEscapedHelp(std::string* out, std::string_view text);
/// Appends a float the way Prometheus reads it back: shortest round-trip form, +Inf, -Inf, NaN.
void AppendDouble(std::string* out, double value);
}  // namespace detail

}  // namespace ipc_exporter
