#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "procfs/proc_fs.h"

namespace ipc_exporter {

/// One IPC namespace of the host, as --ipc.namespaces=all finds it.
struct IpcNamespace {
  uint64_t inode = 0;        // the namespace's nsfs inode: its `ipc_namespace` label
  std::string path;          // what to open for setns: /proc/PID/ns/ipc or a bind mount
  int32_t pid = 0;           // one member process (the lowest pid); 0 if only a mount holds it
  std::string command;       // that process's comm
  std::string container_id;  // from its cgroup path, "" if none is recognisable
};

/// Every IPC namespace found in one look at the proc root.
struct IpcNamespaceCensus {
  uint64_t self_inode = 0;               // the exporter's own namespace
  std::vector<IpcNamespace> namespaces;  // the exporter's own first, then by inode
  uint64_t unreadable_processes = 0;     // whose /proc/PID/ns/ipc we may not read
};

/// Keeps the exporter's own namespace (first) and at most `max_others` of the rest, containers
/// first (a recognisable container id), then namespaces with a process before those kept by a
/// bind mount only, then the lowest pids: namespaces anyone can make with `unshare -Ui` must not
/// crowd out the containers an operator runs. The kept ones stay in census order; returns how
/// many were left out. Pure.
uint64_t LimitIpcNamespaces(IpcNamespaceCensus* census, size_t max_others);

/// The inode of an nsfs link text such as "ipc:[4026531839]"; nullopt for anything else. Pure.
std::optional<uint64_t> ParseIpcNamespaceLink(std::string_view link);

/// The inode of the IPC namespace that the link at `path` (a /proc/PID/ns/ipc) names; nullopt
/// with `*error` set to errno if it cannot be read (0 if it is not an IPC namespace link).
std::optional<uint64_t> ReadIpcNamespaceLink(const std::string& path, int* error);

/// An IPC namespace kept alive by a bind mount (`unshare --ipc=FILE`, `ip netns`-style tools).
struct IpcNamespaceMount {
  uint64_t inode = 0;
  std::string mount_point;  // decoded from the kernel's octal escapes
};

/// The nsfs mounts of IPC namespaces in a /proc/PID/mountinfo text, in file order. Pure.
std::vector<IpcNamespaceMount> ParseIpcNamespaceMounts(std::string_view mountinfo);

/// The container id in a /proc/PID/cgroup text, where its path follows the layout of docker,
/// containerd (CRI and plain), CRI-O, podman (a 64-hex-digit id) or systemd-nspawn (the
/// machine name); "" otherwise. Pure.
std::string ContainerIdFromCgroup(std::string_view cgroup);

/// Finds every IPC namespace: the distinct /proc/PID/ns/ipc links under the proc root, and the
/// bind mounts of /proc/self/mountinfo. Processes that exit meanwhile are skipped; those whose
/// link we may not read (no ptrace access to them) are counted, not guessed. Throws ProcFsError
/// if the proc root or the exporter's own namespace cannot be read.
IpcNamespaceCensus ScanIpcNamespaces(const ProcFs& proc);

}  // namespace ipc_exporter
