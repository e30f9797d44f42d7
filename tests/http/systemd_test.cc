// systemd integration of the real binary: socket activation through systemd-socket-activate, and
// the notify protocol (READY, STATUS, WATCHDOG, RELOADING, STOPPING) on a notify socket of the
// test's own, as systemd would provide it.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "exporter_process.h"
#include "exposition.h"
#include "http_client.h"
#include "ipc_objects.h"

namespace ipc_exporter::testing {
namespace {

/// A child process started with execvp, stopped by pid (SIGTERM, then SIGKILL) at the end.
class Spawned {
 public:
  explicit Spawned(std::vector<std::string> args) {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execvp(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~Spawned() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    if (!WaitFor([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, 10000)) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

TEST(Systemd, SocketActivationServesThePassedSocket) {
  const int port = FreeLoopbackPort();
  Spawned activator({"systemd-socket-activate", "-l", "127.0.0.1:" + std::to_string(port),
                     ExporterBinary(), "--web.systemd-socket"});
  // systemd-socket-activate listens first and execs the exporter on the first connection, so
  // the first request both starts it and must be answered by it.
  HttpResponse response;
  ASSERT_TRUE(WaitFor([&] {
    try {
      response = HttpRequest(port, "GET", "/metrics");
      return true;
    } catch (const std::exception&) {
      return false;  // not listening yet
    }
  }));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(FindSamples(ParseExposition(response.body), "ipc_exporter_build_info").size(), 1u);
  EXPECT_EQ(HttpRequest(port, "GET", "/healthz").status, 200);
  EXPECT_EQ(HttpRequest(port, "GET", "/nope").status, 404);
}

TEST(Systemd, SystemdSocketFlagWithoutASocketIsAClearError) {
  CommandResult result = RunCommand({ExporterBinary(), "--web.systemd-socket"}, 20);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("needs exactly one socket from systemd"), std::string::npos)
      << result.err;
}

/// A unix datagram socket standing in for systemd's NOTIFY_SOCKET.
class NotifySocket {
 public:
  NotifySocket() {
    path_ = std::filesystem::temp_directory_path() /
            ("ipc_notify_" + std::to_string(::getpid()) + ".sock");
    std::filesystem::remove(path_);
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path_.c_str());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    timeval timeout{0, 100000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  ~NotifySocket() {
    ::close(fd_);
    std::filesystem::remove(path_);
  }
  std::string path() const { return path_.string(); }

  /// Collects messages until one contains `wanted` (true) or `timeout_ms` passes (false).
  bool WaitForMessage(const std::string& wanted, int timeout_ms = 10000) {
    for (int waited = 0; waited < timeout_ms; waited += 100) {
      char buffer[4096];
      ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n > 0) messages_.emplace_back(buffer, static_cast<size_t>(n));
      for (const std::string& message : messages_) {
        if (message.find(wanted) != std::string::npos) return true;
      }
    }
    return false;
  }
  int Count(const std::string& wanted) const {
    int count = 0;
    for (const std::string& message : messages_) count += message.find(wanted) != std::string::npos;
    return count;
  }
  void Forget() { messages_.clear(); }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

TEST(Systemd, NotifyReadyWatchdogReloadAndStopping) {
  NotifySocket notify;
  ExporterProcess exporter(
      {}, std::nullopt,
      {"NOTIFY_SOCKET=" + notify.path(), "WATCHDOG_USEC=200000", "WATCHDOG_PID=$PID"});
  ASSERT_TRUE(notify.WaitForMessage("READY=1"));
  EXPECT_TRUE(notify.WaitForMessage("STATUS=Serving /metrics on 127.0.0.1:" +
                                    std::to_string(exporter.port())));
  // Pings every 100 ms, each after a successful /healthz.
  ASSERT_TRUE(notify.WaitForMessage("WATCHDOG=1"));
  // Each call takes one message at most: keep taking them (for up to 5 s on a loaded machine)
  // until three pings have come.
  for (int i = 0; i < 50 && notify.Count("WATCHDOG=1") < 3; ++i) {
    notify.WaitForMessage("never sent", 100);
  }
  EXPECT_GE(notify.Count("WATCHDOG=1"), 3);

  notify.Forget();
  exporter.Signal(SIGHUP);
  EXPECT_TRUE(notify.WaitForMessage("RELOADING=1"));
  EXPECT_TRUE(notify.WaitForMessage("READY=1"));
  EXPECT_EQ(HttpRequest(exporter.port(), "GET", "/healthz").status, 200);  // still serving

  EXPECT_EQ(exporter.Stop(), 0);
  EXPECT_TRUE(notify.WaitForMessage("STOPPING=1", 2000));
  EXPECT_NE(exporter.Log().find("msg=reloaded"), std::string::npos);
}

}  // namespace
}  // namespace ipc_exporter::testing
