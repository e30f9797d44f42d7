#pragma once

#include <cstdint>

namespace ipc_exporter {

/// What the exporter's accept() (accept_guard.cc, which CivetWeb calls) enforces and counts.
///
/// At most `max_per_address` connections from one client address are open at once (0: no
/// limit); one more is closed as soon as it is accepted, before it can take a CivetWeb worker.
/// Set before the HTTP server starts.
void LimitConnectionsPerClient(int max_per_address);

/// Lets the connection from this IPv4 address and port past the limit: the watchdog's
/// self-check, which a client flooding from the same address must not lock out.
void ExemptSelfCheckSource(uint32_t ipv4_network_order, uint16_t port);

/// Connections closed at once for being over the per-client limit, since start.
uint64_t ConnectionsRefusedOverClientLimit();

/// accept() calls that failed for want of file descriptors, since start.
uint64_t AcceptsFailedForDescriptors();

}  // namespace ipc_exporter
