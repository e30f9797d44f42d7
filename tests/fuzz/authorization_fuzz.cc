// libFuzzer target: any Authorization header value. Only "alice:secret" may get in. The hash has
// bcrypt's lowest cost, so that the fuzzer is not slowed to a crawl by the work factor.
#include <cstdlib>
#include <map>
#include <string>

#include "exporter/basic_auth.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // bcrypt (cost 4) of "secret".
  static ipc_exporter::BasicAuthenticator auth(std::map<std::string, std::string>{
      {"alice", "$2b$04$PrlsC8818dMVgwkGZCW0FusnWLr2dDt6vfQBjDTFHAyeHs0ug242a"}});
  const std::string header(reinterpret_cast<const char*>(data), size);
  if (header.find('\0') != std::string::npos) return 0;  // a C string cannot hold it
  const bool allowed = auth.Allows(header.c_str());
  if (allowed) {
    std::string decoded;
    const size_t space = header.find(' ');
    std::string encoded = header.substr(space + 1);
    while (!encoded.empty() && encoded.front() == ' ') encoded.erase(0, 1);
    if (!ipc_exporter::DecodeBase64(encoded, &decoded) || decoded != "alice:secret") std::abort();
  }
  return 0;
}
