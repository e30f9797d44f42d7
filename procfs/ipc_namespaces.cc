#include "procfs/ipc_namespaces.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <tuple>

#include "procfs/mountinfo.h"
#include "procfs/process_stat.h"
#include "procfs/text_fields.h"

namespace ipc_exporter {
namespace {

bool IsHexId(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

/// systemd's unit name escaping: "\x2d" stands for '-'.
std::string UnescapeUnitName(std::string_view text) {
  std::string plain;
  for (size_t i = 0; i < text.size(); ++i) {
    int value = 0;
    if (text.substr(i, 2) == "\\x" && i + 4 <= text.size() &&
        std::from_chars(text.data() + i + 2, text.data() + i + 4, value, 16).ptr ==
            text.data() + i + 4) {
      plain.push_back(static_cast<char>(value));
      i += 3;
    } else {
      plain.push_back(text[i]);
    }
  }
  return plain;
}

bool StripPrefix(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

bool StripSuffix(std::string_view& text, std::string_view suffix) {
  if (!text.ends_with(suffix)) return false;
  text.remove_suffix(suffix.size());
  return true;
}

/// The container id one cgroup path component names, or "".
std::string ContainerIdOfComponent(std::string_view component) {
  std::string_view name = component;
  if (StripSuffix(name, ".scope")) {
    // docker (systemd driver), containerd under kubelet, CRI-O, podman; their conmon scopes
    // ("crio-conmon-…", "libpod-conmon-…") have no 64-digit id after the prefix.
    for (std::string_view prefix : {"docker-", "cri-containerd-", "crio-", "libpod-"}) {
      std::string_view id = name;
      if (StripPrefix(id, prefix) && IsHexId(id)) return std::string(id);
    }
    if (StripPrefix(name, "machine-")) return UnescapeUnitName(name);  // systemd-nspawn
    return "";
  }
  if (StripSuffix(name, ".service") && StripPrefix(name, "systemd-nspawn@")) {
    return UnescapeUnitName(name);
  }
  // cgroupfs layouts: /docker/ID, /kubepods/…/ID, /libpod_parent/libpod-ID, /crio-ID
  for (std::string_view prefix : {"libpod-", "crio-"}) {
    std::string_view id = name;
    if (StripPrefix(id, prefix) && IsHexId(id)) return std::string(id);
  }
  return IsHexId(name) ? std::string(name) : "";
}

}  // namespace

std::optional<uint64_t> ParseIpcNamespaceLink(std::string_view link) {
  if (!StripPrefix(link, "ipc:[") || !StripSuffix(link, "]")) return std::nullopt;
  uint64_t inode = 0;
  if (!detail::ParseWholeNumber(link, &inode)) return std::nullopt;
  return inode;
}

std::optional<uint64_t> ReadIpcNamespaceLink(const std::string& path, int* error) {
  char link[64];
  ssize_t length = ::readlink(path.c_str(), link, sizeof(link));
  if (length < 0) {
    *error = errno;
    return std::nullopt;
  }
  *error = 0;
  return ParseIpcNamespaceLink(std::string_view(link, static_cast<size_t>(length)));
}

std::vector<IpcNamespaceMount> ParseIpcNamespaceMounts(std::string_view mountinfo) {
  std::vector<IpcNamespaceMount> mounts;
  for (MountEntry& mount : ParseMountinfo(mountinfo)) {
    if (mount.fstype != "nsfs") continue;
    if (std::optional<uint64_t> inode = ParseIpcNamespaceLink(mount.root)) {
      mounts.push_back({*inode, std::move(mount.mount_point)});
    }
  }
  return mounts;
}

std::string ContainerIdFromCgroup(std::string_view cgroup) {
  while (!cgroup.empty()) {
    std::string_view line = detail::NextLine(cgroup);
    // "hierarchy-ID:controllers:path"; the innermost component that names a container wins.
    size_t first_colon = line.find(':');
    if (first_colon == std::string_view::npos) continue;
    size_t second_colon = line.find(':', first_colon + 1);
    if (second_colon == std::string_view::npos) continue;
    std::string_view path = line.substr(second_colon + 1);
    while (!path.empty()) {
      size_t slash = path.rfind('/');
      std::string_view component = slash == std::string_view::npos ? path : path.substr(slash + 1);
      std::string id = ContainerIdOfComponent(component);
      if (!id.empty()) return id;
      if (slash == std::string_view::npos) break;
      path = path.substr(0, slash);
    }
  }
  return "";
}

IpcNamespaceCensus ScanIpcNamespaces(const ProcFs& proc) {
  IpcNamespaceCensus census;
  int error = 0;
  // The calling thread's own namespace: it is the one the exporter's plain collection reads.
  const std::string self_path = proc.PathOf("thread-self/ns/ipc");
  std::optional<uint64_t> self = ReadIpcNamespaceLink(self_path, &error);
  if (!self) {
    throw ProcFsError("cannot read " + self_path + ": " +
                      (error ? std::strerror(error) : "not an IPC namespace link"));
  }
  census.self_inode = *self;

  std::map<uint64_t, IpcNamespace> found;
  found[*self] = IpcNamespace{*self, self_path, 0, "", ""};
  for (int32_t pid : proc.ListPids()) {
    const std::string path = proc.PathOf(std::to_string(pid) + "/ns/ipc");
    std::optional<uint64_t> inode = ReadIpcNamespaceLink(path, &error);
    if (!inode) {
      if (error == EACCES || error == EPERM) ++census.unreadable_processes;
      continue;  // ENOENT: exited meanwhile
    }
    IpcNamespace& space = found[*inode];
    if (space.pid != 0) continue;  // described by a lower pid already
    space.inode = *inode;
    if (*inode != *self) space.path = path;
    space.pid = pid;
    try {
      const std::string directory = std::to_string(pid);
      std::optional<std::string> stat = proc.ReadFileIfExists(directory + "/stat");
      if (std::optional<ProcessStat> parsed = stat ? ParseProcessStat(*stat) : std::nullopt) {
        space.command = parsed->command;
      }
      std::optional<std::string> cgroup = proc.ReadFileIfExists(directory + "/cgroup");
      if (cgroup) space.container_id = ContainerIdFromCgroup(*cgroup);
    } catch (const ProcFsError&) {
      // Exiting meanwhile: the namespace is still listed, with what is known.
    }
  }
  // Namespaces that no process is in, kept by a bind mount.
  for (IpcNamespaceMount& mount : ParseIpcNamespaceMounts(proc.ReadFile("self/mountinfo"))) {
    if (found.count(mount.inode) == 0) {
      found[mount.inode] = IpcNamespace{mount.inode, std::move(mount.mount_point), 0, "", ""};
    }
  }
  census.namespaces.push_back(found[*self]);
  for (auto& [inode, space] : found) {
    if (inode != *self) census.namespaces.push_back(std::move(space));
  }
  return census;
}

uint64_t LimitIpcNamespaces(IpcNamespaceCensus* census, size_t max_others) {
  std::vector<IpcNamespace>& spaces = census->namespaces;
  if (spaces.size() <= max_others + 1) return 0;
  std::vector<size_t> others;
  for (size_t i = 1; i < spaces.size(); ++i) others.push_back(i);
  std::stable_sort(others.begin(), others.end(), [&](size_t a, size_t b) {
    const IpcNamespace& x = spaces[a];
    const IpcNamespace& y = spaces[b];
    return std::make_tuple(x.container_id.empty(), x.pid == 0, x.pid) <
           std::make_tuple(y.container_id.empty(), y.pid == 0, y.pid);
  });
  std::vector<bool> keep(spaces.size(), false);
  keep[0] = true;
  for (size_t k = 0; k < max_others; ++k) keep[others[k]] = true;
  std::vector<IpcNamespace> kept;
  for (size_t i = 0; i < spaces.size(); ++i) {
    if (keep[i]) kept.push_back(std::move(spaces[i]));
  }
  const uint64_t left_out = spaces.size() - kept.size();
  spaces = std::move(kept);
  return left_out;
}

}  // namespace ipc_exporter
