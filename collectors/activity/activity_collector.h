#pragma once

#include <memory>

#include "collectors/collector.h"

namespace ipc_exporter {

/// --collector.activity: what happened to each System V object since the exporter began
/// tracing, as the kernel counted it (bpf/ipc_activity.bpf.c): semaphore operations and waits,
/// messages and bytes through each queue and their waits, segment attaches and detaches, objects
/// created, removed and changed. Reads the source's maps of its IPC namespace only; the
/// exporter's own namespace's collector also publishes how the tracing itself fares.
/// Objects that no longer exist are published one last time, then forgotten.
std::unique_ptr<Collector> CreateActivityCollector(const CollectorContext& context);

}  // namespace ipc_exporter
