#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ipc_exporter {

/// Joins expositions written by the same collector for different IPC namespaces into one valid
/// exposition: each family's HELP and TYPE once, then its samples from every text, in the order
/// of `texts`. Families appear in the order they first appear in `texts`. Each text must be
/// ExpositionWriter output (every family begins with its "# HELP" line). Appends to `out`.
void MergeExpositions(const std::vector<std::string_view>& texts, std::string* out);

}  // namespace ipc_exporter
