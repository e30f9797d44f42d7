#pragma once

#include <memory>

#include "collector.h"

namespace ipc_exporter {

/// Named POSIX semaphores: /dev/shm/sem.NAME (--path.devshm).
std::unique_ptr<Collector> CreatePosixSemCollector(const CollectorContext& context);

}  // namespace ipc_exporter
