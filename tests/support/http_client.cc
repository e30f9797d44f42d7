#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <zlib.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace ipc_exporter::testing {
namespace {

int Connect(int port, int timeout_ms) {
  const int fd = ConnectLoopback(port, 0x7f000001, timeout_ms);
  if (fd < 0) throw std::runtime_error(std::string("connect failed: ") + std::strerror(errno));
  return fd;
}

void SendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    sent += static_cast<size_t>(n);
  }
}

std::string ReadAll(int fd) {
  // Straight into the string, growing it geometrically: benchmarks read bodies of megabytes.
  std::string data(1 << 20, '\0');
  size_t used = 0;
  for (;;) {
    if (data.size() - used < (256 << 10)) data.resize(data.size() * 2);
    ssize_t n = ::recv(fd, data.data() + used, data.size() - used, 0);
    if (n <= 0) break;  // closed, reset or timed out
    used += static_cast<size_t>(n);
  }
  data.resize(used);
  return data;
}

HttpResponse Parse(const std::string& raw) {
  size_t header_end = raw.find("\r\n\r\n");
  if (raw.compare(0, 5, "HTTP/") != 0 || header_end == std::string::npos) {
    throw std::runtime_error("no HTTP response: \"" + raw.substr(0, 80) + "\"");
  }
  HttpResponse response;
  response.status = std::stoi(raw.substr(raw.find(' ') + 1, 3));
  size_t line_start = raw.find("\r\n") + 2;
  while (line_start < header_end) {
    size_t line_end = raw.find("\r\n", line_start);
    std::string line = raw.substr(line_start, line_end - line_start);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t value_start = line.find_first_not_of(' ', colon + 1);
      response.headers[name] = value_start == std::string::npos ? "" : line.substr(value_start);
    }
    line_start = line_end + 2;
  }
  response.body = raw.substr(header_end + 4);
  return response;
}

std::string RequestText(const std::string& method, const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  request += "Connection: close\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  return request + "\r\n";
}

}  // namespace

HttpResponse HttpRequest(int port, const std::string& method, const std::string& path,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         int timeout_ms) {
  int fd = Connect(port, timeout_ms);
  std::string raw;
  try {
    SendAll(fd, RequestText(method, path, headers));
    raw = ReadAll(fd);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return Parse(raw);
}

std::string RawExchange(int port, const std::string& bytes, int timeout_ms) {
  int fd = Connect(port, timeout_ms);
  std::string raw;
  try {
    SendAll(fd, bytes);
    raw = ReadAll(fd);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return raw;
}

int SendRequestWithoutReading(int port, const std::string& path) {
  int fd = Connect(port, 15000);
  SendAll(fd, RequestText("GET", path, {}));
  return fd;
}

HttpResponse ReadResponse(int socket, int timeout_ms) {
  timeval timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  std::string raw = ReadAll(socket);
  ::close(socket);
  return Parse(raw);
}

DiscardedResponse HttpRequestDiscardingBody(
    int port, const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& headers, int timeout_ms) {
  int fd = Connect(port, timeout_ms);
  DiscardedResponse response;
  try {
    SendAll(fd, RequestText("GET", path, headers));
    static thread_local std::vector<char> buffer(1 << 20);
    std::string head;  // bytes up to the end of the headers
    size_t header_end = std::string::npos;
    size_t total = 0;
    for (;;) {
      ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n <= 0) break;
      total += static_cast<size_t>(n);
      if (header_end == std::string::npos) {
        head.append(buffer.data(), static_cast<size_t>(n));
        header_end = head.find("\r\n\r\n");
        if (header_end != std::string::npos) header_end += 4;
      }
    }
    if (head.compare(0, 5, "HTTP/") != 0 || header_end == std::string::npos) {
      throw std::runtime_error("no HTTP response");
    }
    response.status = std::stoi(head.substr(head.find(' ') + 1, 3));
    response.body_bytes = total - header_end;
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return response;
}

int ConnectLoopback(int port, uint32_t source, int timeout_ms, int receive_buffer) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (receive_buffer > 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
  }
  if (timeout_ms > 0) {
    timeval timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  }
  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_addr.s_addr = htonl(source);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // tests talk to loopback only
  if ((source != INADDR_LOOPBACK &&
       ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0) ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    const int error = errno;
    ::close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

std::string Gunzip(const std::string& compressed) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[65536];
  int result = Z_OK;
  while (result != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    result = inflate(&stream, Z_NO_FLUSH);
    if (result != Z_OK && result != Z_STREAM_END) {
      inflateEnd(&stream);
      throw std::runtime_error("corrupt gzip data");
    }
    out.append(buffer, sizeof(buffer) - stream.avail_out);
  }
  inflateEnd(&stream);
  return out;
}

}  // namespace ipc_exporter::testing
