#pragma once

#include <chrono>
#include <string>

namespace ipc_exporter {

/// Asks the exporter's own HTTP server for /healthz at `address` ("a.b.c.d:port"; 0.0.0.0 is
/// reached through 127.0.0.1) and returns true on "200". Bounded by `timeout`. This is what the
/// systemd watchdog pings stand on: they prove the server answers, not just that the process runs.
bool HealthzAnswers(const std::string& address, std::chrono::milliseconds timeout);

}  // namespace ipc_exporter
