#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "exporter/web_config.h"

namespace ipc_exporter {

/// Where and how the exporter reaches its own /healthz, whatever the web configuration.
struct SelfCheckTarget {
  std::string address;  // "a.b.c.d:port"; 0.0.0.0 is reached through 127.0.0.1
  /// Sent as X-Ipc-Exporter-Self-Check: a secret of this process that lets /healthz, and only
  /// it, past basic auth (the exporter has hashes, not passwords, so it cannot log in).
  std::string token;
  /// Set when the port speaks TLS: the check then connects with TLS and presents the server's
  /// own certificate and key as its client certificate, which the server accepts under every
  /// client_auth_type (see ConfigureSslContext).
  std::optional<TlsSettings> tls;
};

/// Asks the exporter's own HTTP server for /healthz and tells whether it answered "200", each
/// check bounded by a timeout. This is what the systemd watchdog pings stand on: they prove the
/// server answers (TLS handshake, a worker, the request path), not just that the process runs.
class SelfCheck {
 public:
  /// Throws std::runtime_error if the TLS client cannot be set up (unreadable certificate).
  explicit SelfCheck(SelfCheckTarget target);
  ~SelfCheck();
  SelfCheck(const SelfCheck&) = delete;
  SelfCheck& operator=(const SelfCheck&) = delete;

  bool HealthzAnswers(std::chrono::milliseconds timeout) const;

 private:
  SelfCheckTarget target_;
  struct TlsClient;
  std::unique_ptr<TlsClient> tls_client_;
};

}  // namespace ipc_exporter
