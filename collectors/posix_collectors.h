#pragma once

#include <dirent.h>

#include <memory>
#include <string>

#include "collector.h"

namespace ipc_exporter {

/// POSIX shared memory objects: regular files of /dev/shm other than sem.* (--path.devshm).
std::unique_ptr<Collector> CreatePosixShmCollector(const CollectorContext& context);

/// Named POSIX semaphores: /dev/shm/sem.NAME (--path.devshm).
std::unique_ptr<Collector> CreatePosixSemCollector(const CollectorContext& context);

/// True if opening a path failed with `error` only because it was reached through the root of a
/// process that has exited since (see CollectorSettings::through_process_root): ENOENT, or ESRCH
/// while the process is being reaped. Nothing is wrong then; there is just nothing to read.
bool GoneWithItsProcess(int error, const CollectorSettings& settings);

/// Opens the directory `dir` of POSIX objects for listing. Returns nullptr, for the caller to
/// write nothing, if `dir` is "" (another namespace has this /dev/shm and reports it) or is
/// GoneWithItsProcess; throws std::runtime_error naming it otherwise.
DIR* OpenPosixDirectory(const std::string& dir, const CollectorSettings& settings);

/// POSIX message queues in the mqueue filesystem, and the fs.mqueue limits.
std::unique_ptr<Collector> CreatePosixMqueueCollector(const CollectorContext& context);

}  // namespace ipc_exporter
