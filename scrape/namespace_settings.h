#pragma once

#include <vector>

#include "collectors/collector.h"
#include "procfs/ipc_namespaces.h"

namespace ipc_exporter {

/// The collector settings for each namespace of `census` (index for index) under
/// --ipc.namespaces=all.
///
/// System V objects and mqueue queues belong to an IPC namespace, but /dev/shm (POSIX shared
/// memory and named semaphores) and the mqueue mount are seen through a mount namespace. Each
/// namespace is given its member process's /proc/PID/root/dev/shm and mqueue mount, unless a
/// namespace earlier in the census (the exporter's own first) already has that filesystem: then
/// it is not read again, so no object is reported twice or under a namespace it does not
/// belong to. A namespace without a process (a bind mount) has neither. With
/// --collector.posix_shm.processes, the processes holding the files of all those other /dev/shm
/// are found here in one scan, shared by the namespaces.
std::vector<CollectorSettings> SettingsPerNamespace(const ProcFs& proc,
                                                    const IpcNamespaceCensus& census,
                                                    const CollectorSettings& base);

}  // namespace ipc_exporter
