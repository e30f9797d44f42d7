#include "exporter/flag_values.h"

#include <arpa/inet.h>

#include <charconv>

namespace ipc_exporter {

std::optional<std::string> NormaliseListenAddress(const std::string& address, std::string* why) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    *why = "\"" + address + "\" has no port; write HOST:PORT or :PORT";
    return std::nullopt;
  }
  std::string host = address.substr(0, colon);
  std::string port_text = address.substr(colon + 1);
  int port = -1;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 || port > 65535) {
    *why = "\"" + address + "\" has no valid port (0-65535)";
    return std::nullopt;
  }
  if (!host.empty() && host.front() == '[') {
    *why = "\"" + address + "\": IPv6 is not supported by Debian's CivetWeb build";
    return std::nullopt;
  }
  if (host.empty()) host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  in_addr parsed{};
  if (::inet_pton(AF_INET, host.c_str(), &parsed) != 1) {
    *why = "\"" + address + "\": the host must be an IPv4 address, localhost, or empty";
    return std::nullopt;
  }
  return host + ":" + std::to_string(port);
}

std::optional<int64_t> ParseDurationSeconds(const std::string& text) {
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  const char* at = text.data();
  const char* end = text.data() + text.size();
  while (at < end) {
    int64_t number = 0;
    auto [next, ec] = std::from_chars(at, end, number);
    if (ec != std::errc() || next == end || number < 0) return std::nullopt;
    int64_t unit = 0;
    switch (*next) {
      case 'd':
        unit = 86400;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'm':
        unit = 60;
        break;
      case 's':
        unit = 1;
        break;
      default:
        return std::nullopt;
    }
    // Both the term and the running sum must fit: "9999...9d" overflows the product, and many
    // large terms ("2562047788015h2562047788015h...") overflow the sum.
    if (number > (INT64_MAX - total) / unit) return std::nullopt;
    total += number * unit;
    at = next + 1;
  }
  return total;
}

}  // namespace ipc_exporter
