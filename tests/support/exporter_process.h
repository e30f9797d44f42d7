#pragma once

#include <sys/types.h>

#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ipc_exporter::testing {

/// libbpf finds the syscall tracepoints of --collector.activity in tracefs; a machine that has
/// not mounted it (one without systemd) gets it mounted here, as systemd would at boot.
void MountTracefsIfMissing();

/// The ipc_exporter binary under test, built by CMake.
std::string ExporterBinary();

/// Runs the real exporter on 127.0.0.1 with a port the kernel picks, and learns the port from
/// its "listening" log line. The destructor stops it by pid: SIGTERM, then SIGKILL if it has not
/// exited within a few seconds. Everything it logs is kept for assertions.
class ExporterProcess {
 public:
  /// `run_as_uid`, when set, makes the child drop to that uid and gid (and so every capability)
  /// before exec: the exporter as an unprivileged user.
  /// `environment` entries ("NAME=VALUE") are added in the child, with "$PID" in a value
  /// replaced by the child's pid (for WATCHDOG_PID).
  /// `wrapper`, when given, is a command line the binary is run under (e.g. setpriv ...).
  explicit ExporterProcess(const std::vector<std::string>& extra_args = {},
                           std::optional<uid_t> run_as_uid = std::nullopt,
                           const std::vector<std::string>& environment = {},
                           const std::vector<std::string>& wrapper = {});
  ~ExporterProcess();
  ExporterProcess(const ExporterProcess&) = delete;
  ExporterProcess& operator=(const ExporterProcess&) = delete;

  int port() const { return port_; }
  /// Sends `signal` to the exporter.
  void Signal(int signal) const;
  pid_t pid() const { return pid_; }
  std::string Log();

  /// Sends SIGTERM and waits (bounded) for the exit; returns the exit status or -1.
  int Stop();

 private:
  void Drain();

  pid_t pid_ = -1;
  int port_ = 0;
  int stderr_fd_ = -1;
  std::thread drainer_;
  std::mutex log_mutex_;
  std::string log_;
  int exit_status_ = -1;
};

/// The result of running a command to completion.
struct CommandResult {
  int exit_code = -1;  // -1 if killed by a signal or the timeout
  std::string out;
  std::string err;
};

/// Runs `argv` with no shell, bounded by `timeout_seconds`, and captures both outputs.
CommandResult RunCommand(const std::vector<std::string>& argv, int timeout_seconds = 60,
                         const std::string& input = "");

}  // namespace ipc_exporter::testing
