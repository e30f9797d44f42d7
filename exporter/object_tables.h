#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "collectors/collector.h"

namespace ipc_exporter {

/// The landing page's tables of every IPC object, one per kind (what `ipcs` lists, and the
/// POSIX objects): owner, size or value, fill, the processes recorded with their commands,
/// times as ages from `now` (Unix seconds), the IPC namespace and container, and for each
/// problem the safe next step as a command to copy, or why not to remove the object. The
/// exporter never runs these commands. Everything from the kernel and from process names is
/// escaped. Rows carry data-problem (System V ones also id="shm-ID", "sem-ID", "msg-ID"), sizes
/// and ages data-v, and arrays their semaphores in data-s, for the page's inline script
/// (kObjectTablesScript) to filter, sort and unfold them.
std::string RenderObjectTables(const std::vector<ObjectRow>& objects, int64_t now);

/// The inline script: a text filter and a "problems only" switch over every table (also set
/// from the address, #filter=TEXT&problems, so a view can be linked), the first 50 rows of
/// each table until "show all" (#all), each array's semaphores as a table when unfolded
/// (#expand unfolds all), and sorting by a column when its header is clicked. No external
/// assets.
extern const char* const kObjectTablesScript;

/// The safe next step for a row with a problem: a command to copy, or why the object must not
/// be removed; "" without a problem.
std::string NextStep(const ObjectRow& row);

}  // namespace ipc_exporter
