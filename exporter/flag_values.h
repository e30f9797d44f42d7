#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ipc_exporter {

/// Parses a Prometheus-style duration of whole seconds: "90s", "5m", "1h30m", "2d". Pure.
std::optional<int64_t> ParseDurationSeconds(const std::string& text);

/// Turns a listen address into CivetWeb's form: ":PORT" becomes "0.0.0.0:PORT" and "localhost"
/// becomes 127.0.0.1. Returns nullopt with `why` set for anything Debian's CivetWeb cannot bind
/// (it has no IPv6) or that is not an address.
std::optional<std::string> NormaliseListenAddress(const std::string& address, std::string* why);

}  // namespace ipc_exporter
