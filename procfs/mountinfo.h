#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ipc_exporter {

/// One line of /proc/PID/mountinfo, the fields the collectors use.
struct MountEntry {
  std::string root;         // field 4: the mounted directory within its filesystem
  std::string mount_point;  // field 5, with the kernel's octal escapes (\040) decoded
  std::string fstype;       // the first field after " - "
};

/// The mounts of a /proc/PID/mountinfo text, in file order; malformed lines are skipped. Pure.
std::vector<MountEntry> ParseMountinfo(std::string_view mountinfo);

}  // namespace ipc_exporter
