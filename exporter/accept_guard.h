#pragma once

#include <cstdint>

#include "scrape/serving_counters.h"

namespace ipc_exporter {

/// What the exporter's accept() (accept_guard.cc, which CivetWeb calls) enforces and counts.
///
/// At most `max_per_address` connections from one client address are open at once (0: no
/// limit); one more is closed as soon as it is accepted, before it can take a CivetWeb worker.
/// Refusals and accept() failures are added to `counters` (null: counted nowhere), which must
/// outlive the HTTP server. Set before the HTTP server starts.
void LimitConnectionsPerClient(int max_per_address, ServingCounters* counters);

/// Lets the connection from this IPv4 address and port past the limit: the watchdog's
/// self-check, which a client flooding from the same address must not lock out.
void ExemptSelfCheckSource(uint32_t ipv4_network_order, uint16_t port);

}  // namespace ipc_exporter
