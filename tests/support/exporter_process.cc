#include "exporter_process.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <stdexcept>

namespace ipc_exporter::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> ArgvOf(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return argv;
}

// Waits for `pid` up to `timeout`; returns the raw status, or nullopt-like -1 if still running.
int WaitBounded(pid_t pid, std::chrono::milliseconds timeout, int* status) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    pid_t done = ::waitpid(pid, status, WNOHANG);
    if (done == pid) return 0;
    if (done < 0) return -1;
    ::usleep(10000);
  }
  return -1;
}

}  // namespace

void MountTracefsIfMissing() {
  if (::access("/sys/kernel/tracing/events", F_OK) == 0) return;
  ::mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, nullptr);
}

std::string ExporterBinary() { return IPC_EXPORTER_BINARY; }

ExporterProcess::ExporterProcess(const std::vector<std::string>& extra_args,
                                 std::optional<uid_t> run_as_uid,
                                 const std::vector<std::string>& environment,
                                 const std::vector<std::string>& wrapper) {
  std::vector<std::string> args = wrapper;
  args.push_back(ExporterBinary());
  args.push_back("--web.listen-address=127.0.0.1:0");
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(pipe_fds[1], STDERR_FILENO);
    int null_fd = ::open("/dev/null", O_RDWR);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(null_fd, STDOUT_FILENO);
    for (std::string entry : environment) {
      size_t at = entry.find("$PID");
      if (at != std::string::npos) entry.replace(at, 4, std::to_string(::getpid()));
      size_t equals = entry.find('=');
      ::setenv(entry.substr(0, equals).c_str(), entry.substr(equals + 1).c_str(), 1);
    }
    if (run_as_uid) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(*run_as_uid) != 0 ||
          ::setuid(*run_as_uid) != 0) {
        ::_exit(126);
      }
    }
    std::vector<char*> argv = ArgvOf(args);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  stderr_fd_ = pipe_fds[0];
  drainer_ = std::thread([this] { Drain(); });

  // The "listening" line, in logfmt (msg=listening address=...) or JSON ("msg":"listening",...).
  const std::regex listening(
      "msg\"?[=:]\"?listening\"?[ ,]\"?address\"?[=:]\"?127\\.0\\.0\\.1:([0-9]+)");
  // Generous: a TLS start under ThreadSanitizer on a loaded 2-core machine took over 15 s.
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < deadline) {
    std::smatch match;
    std::string log = Log();
    if (std::regex_search(log, match, listening)) {
      port_ = std::stoi(match[1]);
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = status;
      pid_ = -1;
      break;
    }
    ::usleep(10000);
  }
  std::string log = Log();
  Stop();
  throw std::runtime_error("exporter did not start listening; its log:\n" + log);
}

ExporterProcess::~ExporterProcess() { Stop(); }

void ExporterProcess::Signal(int signal) const {
  if (pid_ > 0) ::kill(pid_, signal);
}

void ExporterProcess::Drain() {
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(stderr_fd_, buffer, sizeof(buffer));
    if (n <= 0) break;
    std::lock_guard<std::mutex> lock(log_mutex_);
    log_.append(buffer, static_cast<size_t>(n));
  }
}

std::string ExporterProcess::Log() {
  std::lock_guard<std::mutex> lock(log_mutex_);
  return log_;
}

int ExporterProcess::Stop() {
  if (pid_ > 0) {
    int status = 0;
    ::kill(pid_, SIGTERM);
    if (WaitBounded(pid_, std::chrono::seconds(10), &status) != 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    exit_status_ = status;
    pid_ = -1;
  }
  if (drainer_.joinable()) drainer_.join();
  if (stderr_fd_ >= 0) {
    ::close(stderr_fd_);
    stderr_fd_ = -1;
  }
  return WIFEXITED(exit_status_) ? WEXITSTATUS(exit_status_) : -1;
}

CommandResult RunCommand(const std::vector<std::string>& argv_in, int timeout_seconds,
                         const std::string& input) {
  std::vector<std::string> args = argv_in;
  int out_pipe[2], err_pipe[2], in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(in_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(in_pipe[0], STDIN_FILENO);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    std::vector<char*> argv = ArgvOf(args);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(in_pipe[0]);
  if (!input.empty()) {
    ssize_t ignored = ::write(in_pipe[1], input.data(), input.size());
    (void)ignored;
  }
  ::close(in_pipe[1]);

  CommandResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_streams = 2;
  auto deadline = Clock::now() + std::chrono::seconds(timeout_seconds);
  bool timed_out = false;
  while (open_streams > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    if (::poll(fds, 2, static_cast<int>(left.count())) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[65536];
      ssize_t n = ::read(fds[i].fd, buffer, sizeof(buffer));
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_streams;
      } else {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      }
    }
  }
  for (pollfd& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) && !timed_out ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace ipc_exporter::testing
