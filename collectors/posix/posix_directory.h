#pragma once

#include <dirent.h>
#include <sys/types.h>

#include <optional>
#include <string>

#include "collectors/collector.h"

namespace ipc_exporter {

/// The filesystems a directory of POSIX objects must be on when reached through another
/// namespace's root (statfs f_type, from <linux/magic.h>).
enum class PosixFilesystem : long {
  kTmpfs = 0x01021994,   // TMPFS_MAGIC: /dev/shm
  kMqueue = 0x19800202,  // MQUEUE_MAGIC: the mqueue mount
};

/// True if opening a path failed with `error` only because it was reached through the root of a
/// process that has exited since (see CollectorSettings::through_process_root): ENOENT, or ESRCH
/// while the process is being reaped. Nothing is wrong then; there is just nothing to read.
bool GoneWithItsProcess(int error, const CollectorSettings& settings);

/// Opens the directory `dir` (O_DIRECTORY, read-only) and returns its descriptor, or -1 with
/// errno set. A `dir` below settings.process_root (another namespace's /proc/PID/root) is
/// resolved inside that root, as that namespace's processes see it: symlinks, absolute ones
/// included, and ".." cannot leave it, and no /proc magic link is followed (openat2 with
/// RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS). There it must also be on `filesystem`, or errno is
/// EXDEV: a namespace's owner, any user with `unshare -Urm`, controls what is mounted in it.
int OpenDirectoryInItsRoot(const std::string& dir, const CollectorSettings& settings,
                           PosixFilesystem filesystem);

/// The device of the filesystem of `dir`, opened as OpenDirectoryInItsRoot does; nullopt if it
/// cannot be opened.
std::optional<dev_t> DirectoryDevice(const std::string& dir, const CollectorSettings& settings,
                                     PosixFilesystem filesystem);

/// Opens the directory `dir` of POSIX objects for listing (OpenDirectoryInItsRoot). Returns
/// nullptr, for the caller to write nothing, if `dir` is "" (another namespace has this
/// filesystem and reports it) or is GoneWithItsProcess; throws std::runtime_error naming it
/// otherwise.
DIR* OpenPosixDirectory(const std::string& dir, const CollectorSettings& settings,
                        PosixFilesystem filesystem);

}  // namespace ipc_exporter
