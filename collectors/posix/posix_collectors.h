#pragma once

#include <memory>
#include <string>

#include "collectors/collector.h"

namespace ipc_exporter {

/// POSIX shared memory objects: regular files of /dev/shm other than sem.* (--path.devshm).
std::unique_ptr<Collector> CreatePosixShmCollector(const CollectorContext& context);

/// Named POSIX semaphores: /dev/shm/sem.NAME (--path.devshm).
std::unique_ptr<Collector> CreatePosixSemCollector(const CollectorContext& context);

/// POSIX message queues in the mqueue filesystem, and the fs.mqueue limits.
std::unique_ptr<Collector> CreatePosixMqueueCollector(const CollectorContext& context);

}  // namespace ipc_exporter
