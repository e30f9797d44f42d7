#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ipc_exporter {

/// True if an Accept-Encoding header value admits gzip: "gzip" or "*" with a q-value above 0,
/// and gzip not refused explicitly with q=0. Pure.
bool AcceptsGzip(std::string_view accept_encoding);

/// ASCII case-insensitive equality (header names, tokens). Pure.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

/// Compresses `data` into a gzip member (RFC 1952) at `level` (1-9). Throws std::runtime_error
/// if zlib fails.
std::string GzipCompress(std::string_view data, int level);

/// Compresses the concatenation of `parts` into `out`, whose capacity is reused (its content is
/// replaced). The output grows as zlib needs it, so `out` ends close to the compressed size.
void GzipCompress(const std::vector<std::string>& parts, int level, std::string* out);

}  // namespace ipc_exporter
