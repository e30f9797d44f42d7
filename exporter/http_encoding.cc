#include "exporter/http_encoding.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <stdexcept>

namespace ipc_exporter {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The q-value of one element ("gzip;q=0.5"); 1 when absent, 0 when unreadable (be strict).
double QValue(std::string_view params) {
  while (!params.empty()) {
    size_t semicolon = params.find(';');
    std::string_view param = Trim(params.substr(0, semicolon));
    params.remove_prefix(semicolon == std::string_view::npos ? params.size() : semicolon + 1);
    if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      std::string value(param.substr(2));
      try {
        size_t used = 0;
        double q = std::stod(value, &used);
        return used == value.size() ? q : 0;
      } catch (const std::exception&) {
        return 0;
      }
    }
  }
  return 1;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  std::optional<double> gzip_q;
  std::optional<double> any_q;
  while (!accept_encoding.empty()) {
    size_t comma = accept_encoding.find(',');
    std::string_view element = accept_encoding.substr(0, comma);
    accept_encoding.remove_prefix(comma == std::string_view::npos ? accept_encoding.size()
                                                                  : comma + 1);
    size_t semicolon = element.find(';');
    std::string_view coding = Trim(element.substr(0, semicolon));
    double q = semicolon == std::string_view::npos ? 1 : QValue(element.substr(semicolon + 1));
    if (EqualsIgnoreCase(coding, "gzip") || EqualsIgnoreCase(coding, "x-gzip")) gzip_q = q;
    if (coding == "*") any_q = q;
  }
  if (gzip_q) return *gzip_q > 0;
  return any_q.value_or(0) > 0;
}

std::string GzipCompress(std::string_view data, int level) {
  std::string out;
  GzipCompress(std::vector<std::string>{std::string(data)}, level, &out);
  return out;
}

void GzipCompress(const std::vector<std::string>& parts, int level, std::string* out) {
  z_stream stream{};
  // 15 window bits + 16 asks zlib for a gzip header and trailer instead of zlib's own.
  if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib deflateInit2 failed");
  }
  std::vector<std::string_view> pieces(parts.begin(), parts.end());
  if (pieces.empty()) pieces.emplace_back();  // still a valid, empty gzip member
  size_t total = 0;
  for (std::string_view piece : pieces) total += piece.size();
  out->resize(std::max(out->capacity(), total / 8 + 4096));
  size_t produced = 0;
  int result = Z_OK;
  for (size_t i = 0; i < pieces.size() && result != Z_STREAM_ERROR; ++i) {
    const int flush = i + 1 == pieces.size() ? Z_FINISH : Z_NO_FLUSH;
    // zlib's API is not const-correct; it never writes through next_in. A piece is one
    // collector's output, far below the 4 GiB that uInt holds.
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(pieces[i].data()));
    stream.avail_in = static_cast<uInt>(pieces[i].size());
    do {
      if (produced == out->size()) out->resize(out->size() * 2);
      stream.next_out = reinterpret_cast<Bytef*>(out->data() + produced);
      stream.avail_out = static_cast<uInt>(out->size() - produced);
      result = deflate(&stream, flush);
      produced = out->size() - stream.avail_out;
    } while (result != Z_STREAM_ERROR &&
             (stream.avail_in > 0 || (flush == Z_FINISH && result != Z_STREAM_END)));
  }
  deflateEnd(&stream);
  if (result != Z_STREAM_END) throw std::runtime_error("zlib deflate did not finish");
  out->resize(produced);
}

}  // namespace ipc_exporter
