#pragma once

#include <string>
#include <string_view>

namespace ipc_exporter {

/// The version from CMake's project() and the git revision the build was configured from.
std::string_view Version();
std::string_view Revision();

/// "ipc_exporter, version X (revision Y)", as --version prints it.
std::string VersionLine();

}  // namespace ipc_exporter
