// libssl.so for CivetWeb: Debian's CivetWeb 1.15 dlopen()s "libssl.so" and resolves
// SSL_get_peer_certificate, which OpenSSL 3 no longer exports (it became a macro for
// SSL_get1_peer_certificate; upstream civetweb issue 1334), and it crashes on the first HTTPS
// request. This library has the SONAME libssl.so and depends on the real libssl.so.3: once the
// exporter has loaded it, CivetWeb's dlopen("libssl.so") finds it by SONAME, and every symbol
// CivetWeb asks for resolves either here or in libssl.so.3 behind it.
#include <openssl/ssl.h>

#undef SSL_get_peer_certificate

extern "C" __attribute__((visibility("default"))) X509* SSL_get_peer_certificate(const SSL* ssl) {
  return SSL_get1_peer_certificate(ssl);
}
