#include "exporter/tls_setup.h"

#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <filesystem>

namespace ipc_exporter {
namespace {

std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

// The directories the compatibility libraries may be in: beside the binary (build tree), then
// the installed ../lib/ipc_exporter.
std::string FindCompatLibrary(const std::string& name) {
  std::error_code error;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "";
  for (const std::filesystem::path& dir :
       {exe.parent_path(), exe.parent_path() / ".." / "lib" / "ipc_exporter"}) {
    const std::filesystem::path candidate = dir / name;
    if (::access(candidate.c_str(), R_OK) == 0) return candidate.string();
  }
  return "";
}

// Accepts any client certificate: for the client auth types that ask for one without verifying.
int AcceptAnyCertificate(int, X509_STORE_CTX*) { return 1; }

// Verifies client certificates against client_ca_file, and also accepts the server's own
// certificate: the exporter's watchdog self-check presents it (SelfCheck), and TLS has the
// client prove it holds the matching private key, which only this service has.
int AcceptVerifiedOrOwnCertificate(int preverify_ok, X509_STORE_CTX* store) {
  if (preverify_ok == 1) return 1;
  const SSL* ssl = static_cast<const SSL*>(
      X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  X509* presented = X509_STORE_CTX_get0_cert(store);
  X509* own = ssl == nullptr ? nullptr : SSL_CTX_get0_certificate(SSL_get_SSL_CTX(ssl));
  return presented != nullptr && own != nullptr && X509_cmp(presented, own) == 0 ? 1 : 0;
}

}  // namespace

std::string PreloadOpenSslForCivetWeb() {
  for (const char* name : {"libipc_exporter_crypto.so", "libipc_exporter_ssl.so"}) {
    const std::string path = FindCompatLibrary(name);
    if (path.empty()) return std::string("cannot find ") + name;
    // RTLD_GLOBAL and kept loaded for the life of the process: CivetWeb's later
    // dlopen("libssl.so") must find this object by its SONAME.
    if (::dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL) == nullptr) {
      return std::string("cannot load ") + path + ": " + ::dlerror();
    }
  }
  return "";
}

namespace {

/// The server's certificate chain and its key, which must match.
std::string UseServerIdentity(SSL_CTX* ctx, const TlsSettings& tls) {
  if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert_file.c_str()) != 1) {
    return "cert_file " + tls.cert_file + ": " + OpenSslError();
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return "key_file " + tls.key_file +
           " cannot be used (not a PEM key, or it does not match "
           "cert_file " +
           tls.cert_file + "): " + OpenSslError();
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return "key_file " + tls.key_file + " does not match cert_file " + tls.cert_file;
  }
  return "";
}

/// Versions, TLS 1.2 suites, curves, whose preference wins, no client renegotiation.
std::string SetProtocol(SSL_CTX* ctx, const TlsSettings& tls) {
  const int min = tls.min_version == "TLS13" ? TLS1_3_VERSION : TLS1_2_VERSION;
  const int max = tls.max_version == "TLS12" ? TLS1_2_VERSION : TLS1_3_VERSION;
  if (SSL_CTX_set_min_proto_version(ctx, min) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, max) != 1) {
    return "min_version/max_version: " + OpenSslError();
  }
  // TLS 1.2 suites only (TLS 1.3's are all AEAD with forward secrecy, and not configurable).
  std::string suites;
  for (const std::string& suite : tls.cipher_suites) suites += (suites.empty() ? "" : ":") + suite;
  if (!suites.empty() && SSL_CTX_set_cipher_list(ctx, suites.c_str()) != 1) {
    return "cipher_suites: " + OpenSslError();
  }
  std::string curves;
  for (const std::string& curve : tls.curves) curves += (curves.empty() ? "" : ":") + curve;
  if (!curves.empty() && SSL_CTX_set1_groups_list(ctx, curves.c_str()) != 1) {
    return "curve_preferences: " + OpenSslError();
  }
  if (tls.prefer_server_cipher_suites) {
    SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  } else {
    SSL_CTX_clear_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  }
  // Renegotiation initiated by clients costs the server a handshake per request: refused.
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  return "";
}

/// client_ca_file and client_auth_type.
std::string VerifyClients(SSL_CTX* ctx, const TlsSettings& tls) {
  if (!tls.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, tls.client_ca_file.c_str(), nullptr) != 1) {
      return "client_ca_file " + tls.client_ca_file + ": " + OpenSslError();
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str());
    if (names != nullptr) SSL_CTX_set_client_CA_list(ctx, names);
  }
  const std::string& type = tls.client_auth_type;
  if (type == "NoClientCert") {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  } else if (type == "RequestClientCert") {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, AcceptAnyCertificate);
  } else if (type == "RequireAnyClientCert") {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       AcceptAnyCertificate);
  } else if (type == "VerifyClientCertIfGiven") {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, AcceptVerifiedOrOwnCertificate);
  } else {  // RequireAndVerifyClientCert
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       AcceptVerifiedOrOwnCertificate);
  }
  return "";
}

}  // namespace

std::string ConfigureSslContext(void* ssl_ctx, const TlsSettings& tls) {
  SSL_CTX* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  for (auto step : {UseServerIdentity, SetProtocol, VerifyClients}) {
    std::string problem = step(ctx, tls);
    if (!problem.empty()) return problem;
  }
  return "";
}

}  // namespace ipc_exporter
