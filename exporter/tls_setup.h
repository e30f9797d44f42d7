#pragma once

#include <string>

#include "exporter/web_config.h"

namespace ipc_exporter {

/// Loads the project's libssl.so and libcrypto.so compatibility libraries (see
/// openssl_compat.cc) so that Debian's CivetWeb finds working OpenSSL 3 symbols when it
/// dlopen()s those names. Must run before the HTTP server starts. Returns "" or why it failed.
std::string PreloadOpenSslForCivetWeb();

/// Configures CivetWeb's SSL_CTX (passed as void* by its init_ssl callback) from `tls`:
/// certificate chain and key, minimum version, client certificates. Returns "" or why not.
std::string ConfigureSslContext(void* ssl_ctx, const TlsSettings& tls);

}  // namespace ipc_exporter
