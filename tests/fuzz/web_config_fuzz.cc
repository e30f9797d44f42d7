// libFuzzer target: the --web.config.file parser takes any text and either accepts it or throws
// WebConfigError; never anything else.
#include <string>

#include "exporter/web_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    ipc_exporter::WebConfig config = ipc_exporter::ParseWebConfig(text, "/nonexistent/web.yml");
    for (const auto& [user, hash] : config.basic_auth_users) {
      if (hash.size() != 60 || user.find(':') != std::string::npos) __builtin_trap();
    }
  } catch (const ipc_exporter::WebConfigError&) {
  }
  return 0;
}
