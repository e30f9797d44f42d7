#pragma once

#include <memory>

#include "collectors/collector.h"

namespace ipc_exporter {

/// System V shared memory: /proc/sysvipc/shm and the kernel.shm* limits.
std::unique_ptr<Collector> CreateShmCollector(const CollectorContext& context);

/// System V semaphores: /proc/sysvipc/sem, semctl for the values, and kernel.sem.
std::unique_ptr<Collector> CreateSemCollector(const CollectorContext& context);

/// System V message queues: /proc/sysvipc/msg, msgctl for msg_qbytes, and kernel.msg*.
std::unique_ptr<Collector> CreateMsgCollector(const CollectorContext& context);

}  // namespace ipc_exporter
