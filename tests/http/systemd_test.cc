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
#include "notify_socket.h"

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
  // (Up to 5 s on a loaded machine.)
  EXPECT_GE(notify.WaitForCount("WATCHDOG=1", 3, 5000), 3);

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
