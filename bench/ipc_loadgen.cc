// ipc_loadgen: fills the host's System V IPC tables for benchmarks and removes exactly what it
// made. Every id and every helper pid is appended to a state file as soon as it exists, and
// `remove` acts on that file alone, so it never touches an object it did not create.
//
//   ipc_loadgen create --state FILE [--segments N] [--attached N] [--orphaned N] [--holders N]
//                      [--arrays N] [--semaphores K] [--waiters N] [--queues N] [--messages N]
//                      [--users N]
//   ipc_loadgen remove --state FILE
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "procfs/semctl_arg.h"

namespace {

struct Plan {
  std::string state;
  std::map<std::string, long> counts = {
      {"segments", 100}, {"attached", 10}, {"orphaned", 10}, {"holders", 1},  {"arrays", 100},
      {"semaphores", 8}, {"waiters", 10},  {"queues", 100},  {"messages", 4}, {"users", 4}};
  long operator[](const std::string& name) const { return counts.at(name); }
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "ipc_loadgen: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

/// Appends one line to the state file at once, so that a crash half-way leaves a full record.
void Record(const Plan& plan, const char* kind, long id) {
  std::ofstream out(plan.state, std::ios::app);
  out << kind << ' ' << id << '\n';
  if (!out) Die("cannot write " + plan.state);
}

/// Owners 1000, 1001, ... in turn, so that user labels vary as on a real host.
uid_t OwnerFor(const Plan& plan, long index) {
  return static_cast<uid_t>(1000 + index % std::max(1L, plan["users"]));
}

/// Forks a helper named `name` that runs `body` and then sleeps until `remove` kills it.
pid_t StartHelper(const Plan& plan, const char* name, const std::function<void()>& body) {
  pid_t pid = ::fork();
  if (pid < 0) Die("fork");
  if (pid == 0) {
    ::setsid();  // outlives this command; `remove` stops it by the recorded pid
    ::prctl(PR_SET_NAME, name);
    body();
    for (;;) ::pause();
  }
  Record(plan, "pid", pid);
  return pid;
}

void CreateSegments(const Plan& plan) {
  std::vector<int> ids;
  for (long i = 0; i < plan["segments"] - plan["orphaned"]; ++i) {
    int id = ::shmget(IPC_PRIVATE, static_cast<size_t>(4096 * (1 + i % 16)), IPC_CREAT | 0640);
    if (id < 0) Die("shmget");
    Record(plan, "shm", id);
    shmid_ds ds{};
    ::shmctl(id, IPC_STAT, &ds);
    ds.shm_perm.uid = OwnerFor(plan, i);
    ::shmctl(id, IPC_SET, &ds);
    ids.push_back(id);
  }
  // Segments whose creator exits at once: leaked ones, as after a crash.
  if (plan["orphaned"] > 0) {
    int fds[2];
    if (::pipe(fds) != 0) Die("pipe");
    pid_t creator = ::fork();
    if (creator == 0) {
      for (long i = 0; i < plan["orphaned"]; ++i) {
        int id = ::shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
        if (::write(fds[1], &id, sizeof(id)) != sizeof(id)) ::_exit(1);
      }
      ::_exit(0);
    }
    ::close(fds[1]);
    int id;
    while (::read(fds[0], &id, sizeof(id)) == sizeof(id)) {
      if (id >= 0) Record(plan, "shm", id);
    }
    ::close(fds[0]);
    ::waitpid(creator, nullptr, 0);
  }
  // Holders attach the first `attached` segments between them.
  const long attached = std::min<long>(plan["attached"], static_cast<long>(ids.size()));
  for (long h = 0; h < plan["holders"] && attached > 0; ++h) {
    StartHelper(plan, "ipc-holder", [&] {
      for (long i = h; i < attached; i += plan["holders"]) {
        ::shmat(ids[static_cast<size_t>(i)], nullptr, SHM_RDONLY);
      }
    });
  }
}

void CreateArrays(const Plan& plan) {
  std::vector<int> ids;
  const int nsems = static_cast<int>(plan["semaphores"]);
  std::vector<unsigned short> values(static_cast<size_t>(nsems));
  for (long i = 0; i < plan["arrays"]; ++i) {
    int id = ::semget(IPC_PRIVATE, nsems, IPC_CREAT | 0640);
    if (id < 0) Die("semget");
    Record(plan, "sem", id);
    for (int n = 0; n < nsems; ++n)
      values[static_cast<size_t>(n)] = static_cast<unsigned short>(n % 3);
    ipc_exporter::SemctlArg arg{};
    arg.array = values.data();
    ::semctl(id, 0, SETALL, arg);
    semid_ds ds{};
    arg.buf = &ds;
    ::semctl(id, 0, IPC_STAT, arg);
    ds.sem_perm.uid = OwnerFor(plan, i);
    ::semctl(id, 0, IPC_SET, arg);
    ids.push_back(id);
  }
  // Waiters block on semaphore 0 (value 0) of the first arrays.
  for (long w = 0; w < plan["waiters"] && !ids.empty(); ++w) {
    int id = ids[static_cast<size_t>(w) % ids.size()];
    StartHelper(plan, "ipc-waiter", [id] {
      sembuf op{0, -1, 0};
      ::semop(id, &op, 1);
    });
  }
}

void CreateQueues(const Plan& plan) {
  struct {
    long type;
    char text[64];
  } message{1, {}};
  std::memset(message.text, 'm', sizeof(message.text));
  for (long i = 0; i < plan["queues"]; ++i) {
    int id = ::msgget(IPC_PRIVATE, IPC_CREAT | 0640);
    if (id < 0) Die("msgget");
    Record(plan, "msg", id);
    for (long m = 0; m < plan["messages"]; ++m) {
      if (::msgsnd(id, &message, sizeof(message.text), IPC_NOWAIT) != 0) break;  // queue full
    }
    msqid_ds ds{};
    ::msgctl(id, IPC_STAT, &ds);
    ds.msg_perm.uid = OwnerFor(plan, i);
    ::msgctl(id, IPC_SET, &ds);
  }
}

int Remove(const Plan& plan) {
  std::ifstream in(plan.state);
  if (!in) Die("cannot read " + plan.state);
  std::string kind;
  long id = 0;
  long removed = 0, failed = 0;
  while (in >> kind >> id) {
    int result = 0;
    if (kind == "shm") result = ::shmctl(static_cast<int>(id), IPC_RMID, nullptr);
    if (kind == "sem") result = ::semctl(static_cast<int>(id), 0, IPC_RMID);
    if (kind == "msg") result = ::msgctl(static_cast<int>(id), IPC_RMID, nullptr);
    if (kind == "pid") {
      result = ::kill(static_cast<pid_t>(id), SIGKILL);
      ::waitpid(static_cast<pid_t>(id), nullptr, WNOHANG);
    }
    if (result == 0) ++removed;
    if (result != 0 && errno != EINVAL && errno != EIDRM && errno != ESRCH) ++failed;
  }
  std::printf("removed %ld objects and helpers listed in %s\n", removed, plan.state.c_str());
  if (failed == 0) std::remove(plan.state.c_str());
  return failed == 0 ? 0 : 1;
}

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: ipc_loadgen create --state FILE [--segments N] [--attached N] "
               "[--orphaned N] [--holders N] [--arrays N] [--semaphores K] [--waiters N] "
               "[--queues N] [--messages N] [--users N]\n"
               "       ipc_loadgen remove --state FILE\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) Usage();
  const std::string command = argv[1];
  Plan plan;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--state") {
      plan.state = argv[i + 1];
      continue;
    }
    if (flag.rfind("--", 0) != 0 || !plan.counts.count(flag.substr(2))) Usage();
    char* end = nullptr;
    long value = std::strtol(argv[i + 1], &end, 10);
    if (*end != '\0' || value < 0) Usage();
    plan.counts[flag.substr(2)] = value;
  }
  if (plan.state.empty()) Usage();
  if (command == "remove") return Remove(plan);
  if (command != "create") Usage();
  CreateSegments(plan);
  CreateArrays(plan);
  CreateQueues(plan);
  std::printf("created: see %s\n", plan.state.c_str());
  return 0;
}
