#include "exporter/self_check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <charconv>
#include <stdexcept>
#include <string_view>

#include "exporter/accept_guard.h"

namespace ipc_exporter {
namespace {

// A connected TCP socket to `address` with send and receive timeouts, or -1.
int Connect(const std::string& address, std::chrono::milliseconds timeout) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return -1;
  std::string host = address.substr(0, colon);
  if (host == "0.0.0.0") host = "127.0.0.1";
  int port = 0;
  std::from_chars(address.data() + colon + 1, address.data() + address.size(), port);
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &target.sin_addr) != 1) return -1;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  // From the target's own address and a port known before connecting, so that the server's
  // per-client limit can tell this connection from a flood out of the same address.
  sockaddr_in source{};
  source.sin_family = AF_INET;
  source.sin_addr = target.sin_addr;
  socklen_t source_length = sizeof(source);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof(source)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&source), &source_length) == 0) {
    ExemptSelfCheckSource(source.sin_addr.s_addr, ntohs(source.sin_port));
  }
  const auto ms = timeout.count();
  timeval limit{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof(target)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool IsStatus200(std::string_view reply) {
  return reply.size() >= 12 && reply.substr(0, 5) == "HTTP/" && reply.substr(9, 3) == "200";
}

}  // namespace

struct SelfCheck::TlsClient {
  SSL_CTX* ctx = nullptr;
  ~TlsClient() { SSL_CTX_free(ctx); }
};

SelfCheck::SelfCheck(SelfCheckTarget target) : target_(std::move(target)) {
  if (!target_.tls) return;
  tls_client_ = std::make_unique<TlsClient>();
  tls_client_->ctx = SSL_CTX_new(TLS_client_method());
  if (tls_client_->ctx == nullptr) throw std::runtime_error("cannot create a TLS client context");
  // The peer is this process on a port it holds: there is no server identity to verify.
  SSL_CTX_set_verify(tls_client_->ctx, SSL_VERIFY_NONE, nullptr);
  if (SSL_CTX_use_certificate_chain_file(tls_client_->ctx, target_.tls->cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(tls_client_->ctx, target_.tls->key_file.c_str(),
                                  SSL_FILETYPE_PEM) != 1) {
    ERR_clear_error();
    throw std::runtime_error("cannot load " + target_.tls->cert_file + " for the self-check");
  }
}

SelfCheck::~SelfCheck() = default;

bool SelfCheck::HealthzAnswers(std::chrono::milliseconds timeout) const {
  const int fd = Connect(target_.address, timeout);
  if (fd < 0) return false;
  const std::string request =
      "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
      (target_.token.empty() ? std::string()
                             : "X-Ipc-Exporter-Self-Check: " + target_.token + "\r\n") +
      "\r\n";
  char reply[64] = {};
  bool ok = false;
  if (!tls_client_) {
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      ssize_t got = ::recv(fd, reply, sizeof(reply), 0);
      ok = got > 0 && IsStatus200(std::string_view(reply, static_cast<size_t>(got)));
    }
  } else if (SSL* ssl = SSL_new(tls_client_->ctx)) {
    // The socket's timeouts bound the handshake and each read and write.
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1 && SSL_write(ssl, request.data(), static_cast<int>(request.size())) ==
                                     static_cast<int>(request.size())) {
      int got = SSL_read(ssl, reply, sizeof(reply));
      ok = got > 0 && IsStatus200(std::string_view(reply, static_cast<size_t>(got)));
    }
    SSL_free(ssl);
    ERR_clear_error();  // this thread's OpenSSL errors are not the server's business
  }
  ::close(fd);
  return ok;
}

}  // namespace ipc_exporter
