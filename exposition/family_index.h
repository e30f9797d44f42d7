#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ipc_exporter {

/// Where one family lies in a text that an ExpositionWriter wrote, recorded as it was written.
struct WrittenFamily {
  std::string name;
  size_t begin = 0;          // its "# HELP" line
  size_t samples_begin = 0;  // its first sample, past HELP and TYPE
};

/// The families of one text in the order they were written. A family ends where the next
/// begins, the last one at the end of the text.
using FamilyIndex = std::vector<WrittenFamily>;

/// A writer's text with the index it kept.
struct IndexedText {
  std::string_view text;
  const FamilyIndex* families;
};

/// Appends to `out` the families of several texts written by the same collector for different
/// IPC namespaces, each family once: its HELP and TYPE from the first text that has it, then its
/// samples from every text, in the order of `texts`. Families come in the order they first
/// appear. Reads the recorded spans, never the text itself.
void AppendInterleaved(const std::vector<IndexedText>& texts, std::string* out);

}  // namespace ipc_exporter
