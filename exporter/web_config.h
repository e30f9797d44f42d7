#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ipc_exporter {

/// The file given by --web.config.file is unusable; the message names the problem.
class WebConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// tls_server_config of exporter-toolkit's web configuration file.
struct TlsSettings {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
  /// NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven or
  /// RequireAndVerifyClientCert, as in Go's crypto/tls.
  std::string client_auth_type = "NoClientCert";
  std::string min_version = "TLS12";  // TLS12 or TLS13 (OpenSSL 3 refuses older ones)
  std::string max_version = "TLS13";
  /// TLS 1.2 suites as OpenSSL names, in preference order: from cipher_suites (Go's names), or
  /// by default the forward-secret AEAD ones (ECDHE with AES-GCM or ChaCha20-Poly1305).
  std::vector<std::string> cipher_suites;
  /// OpenSSL group names from curve_preferences (Go's names); empty keeps OpenSSL's default.
  std::vector<std::string> curves;
  bool prefer_server_cipher_suites = true;
};

/// The OpenSSL name of a TLS 1.2 cipher suite named as in Go's crypto/tls (exporter-toolkit's
/// cipher_suites), or "" if the name is unknown or not a suite OpenSSL can serve. Pure.
std::string OpenSslCipherName(const std::string& go_name);

/// exporter-toolkit's web configuration, so that existing Prometheus deployments can reuse
/// their files: TLS, HTTP basic auth users with bcrypt hashes, and extra response headers.
struct WebConfig {
  std::optional<TlsSettings> tls;
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Reads and checks the file: unknown keys, unreadable certificate or key files, a missing CA for
/// a client auth type that verifies, unknown versions and hashes that are not bcrypt are all
/// errors (thrown as WebConfigError naming the key and value).
WebConfig LoadWebConfig(const std::string& path);

/// Why a configuration re-read on SIGHUP may not replace `current`, or "" if it may: it would
/// turn basic auth off (no users where there were some), which a reload must never do silently;
/// turning auth off takes a restart. (TLS settings are applied only at start anyway.) Pure.
std::string WhyReloadIsRefused(const WebConfig& current, const WebConfig& reloaded);

/// Parses the YAML text of a web configuration file (for LoadWebConfig and tests); `path` is only
/// used in messages and to resolve relative certificate paths against the file's directory.
WebConfig ParseWebConfig(const std::string& yaml_text, const std::string& path);

}  // namespace ipc_exporter
