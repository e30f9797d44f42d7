#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ipc_exporter::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

/// Sends one HTTP/1.1 request to 127.0.0.1:`port` with "Connection: close" and reads the whole
/// answer. Bounded: every socket operation times out after `timeout_ms`. Throws on failure.
HttpResponse HttpRequest(int port, const std::string& method, const std::string& path,
                         const std::vector<std::pair<std::string, std::string>>& headers = {},
                         int timeout_ms = 15000);

/// Sends raw bytes and returns whatever comes back before the server closes or the timeout.
std::string RawExchange(int port, const std::string& bytes, int timeout_ms = 5000);

/// Opens a connection and sends a request without reading the answer; returns the socket.
int SendRequestWithoutReading(int port, const std::string& path);

/// Reads the answer of a socket from SendRequestWithoutReading and closes it.
HttpResponse ReadResponse(int socket, int timeout_ms = 15000);

/// Status and size of an answer whose body was read and thrown away.
struct DiscardedResponse {
  int status = 0;
  size_t body_bytes = 0;
};

/// Sends a request like HttpRequest but reads the answer into a small reused buffer and keeps
/// only its status and body size, as a streaming client (Prometheus) would: for benchmarks, so
/// that the client's own memory handling does not count against the server.
DiscardedResponse HttpRequestDiscardingBody(
    int port, const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& headers = {}, int timeout_ms = 60000);

/// A TCP connection to 127.0.0.1:`port` from loopback address `source` (host order: another
/// loopback address is another client to the exporter), with send and receive timeouts of
/// `timeout_ms` (0: none) and, if `receive_buffer` > 0, that small a receive buffer (a slow
/// reader). -1 if it cannot be made, errno telling why.
int ConnectLoopback(int port, uint32_t source = 0x7f000001, int timeout_ms = 0,
                    int receive_buffer = 0);

/// A loopback port that was free a moment ago (for servers that cannot take port 0).
int FreeLoopbackPort();

/// Inflates a gzip body; throws on corrupt data.
std::string Gunzip(const std::string& compressed);

}  // namespace ipc_exporter::testing
