#include "scrape/build_info.h"

namespace ipc_exporter {

std::string_view Version() { return IPC_EXPORTER_VERSION; }
std::string_view Revision() { return IPC_EXPORTER_REVISION; }

std::string VersionLine() {
  return "ipc_exporter, version " + std::string(Version()) + " (revision " +
         std::string(Revision()) + ")";
}

}  // namespace ipc_exporter
