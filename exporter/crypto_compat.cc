// libcrypto.so for CivetWeb: it dlopen()s the unversioned name, which only libssl-dev provides.
// This library has that SONAME and depends on libcrypto.so.3, so the exporter needs no -dev
// package at run time. It defines nothing of its own.
#include <openssl/crypto.h>

extern "C" __attribute__((visibility("default"))) unsigned long
ipc_exporter_crypto_compat_version() {
  return OpenSSL_version_num();
}
