#pragma once

#include "exposition/exposition_writer.h"

namespace ipc_exporter {

/// Writes the standard process_* families of the exporter itself (cpu seconds, resident and
/// virtual memory, open and max fds, start time), read from the real /proc/self whatever
/// --path.procfs says: they describe this process, not the host being observed.
/// A family whose source cannot be read is left out.
void WriteProcessMetrics(ExpositionWriter& out);

}  // namespace ipc_exporter
