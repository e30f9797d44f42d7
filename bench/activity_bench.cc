// What --collector.activity costs the programs it traces: the IPC calls they make, timed with
// the BPF programs attached or not (bench/activity_overhead.sh runs both in one run). Also
// makes one call on each object ipc_loadgen made, so the tracing counts every object of a scale
// (for the scrape cost with the collector on).
//
//   activity_bench sem-pingpong ROUND_TRIPS      semop calls per second, two processes
//   activity_bench msg-pingpong ROUND_TRIPS      msgsnd+msgrcv calls per second, two processes
//   activity_bench sem-uncontended CALLS         ns per semop that never blocks
//   activity_bench other-syscall CALLS           ns per getppid: a syscall the tracing does not
//                                                trace, but which the syscall tracepoints' slow
//                                                path may still cost something
//   activity_bench touch STATE_FILE              one call on each object listed by ipc_loadgen
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "activity_bench: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void Semop(int semid, unsigned short semaphore, short delta) {
  sembuf op{semaphore, delta, 0};
  if (::semop(semid, &op, 1) != 0) Die("semop");
}

// Two processes hand a token back and forth through two semaphores: each round trip is four
// semop calls, two of which wait.
void SemPingPong(long round_trips) {
  int semid = ::semget(IPC_PRIVATE, 2, 0600);
  if (semid < 0) Die("semget");
  pid_t child = ::fork();
  if (child == 0) {
    for (long i = 0; i < round_trips; ++i) {
      Semop(semid, 0, -1);
      Semop(semid, 1, 1);
    }
    ::_exit(0);
  }
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < round_trips; ++i) {
    Semop(semid, 0, 1);
    Semop(semid, 1, -1);
  }
  const double seconds = SecondsSince(start);
  ::waitpid(child, nullptr, 0);
  ::semctl(semid, 0, IPC_RMID);
  std::printf("sem_pingpong_calls_per_second=%.0f\n",
              4.0 * static_cast<double>(round_trips) / seconds);
}

struct Message {
  long type;
  char text[64];
};

void MsgPingPong(long round_trips) {
  int msqid = ::msgget(IPC_PRIVATE, 0600);
  if (msqid < 0) Die("msgget");
  pid_t child = ::fork();
  if (child == 0) {
    Message message{};
    for (long i = 0; i < round_trips; ++i) {
      if (::msgrcv(msqid, &message, sizeof(message.text), 1, 0) < 0) Die("msgrcv");
      message.type = 2;
      if (::msgsnd(msqid, &message, sizeof(message.text), 0) != 0) Die("msgsnd");
    }
    ::_exit(0);
  }
  Message message{};
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < round_trips; ++i) {
    message.type = 1;
    if (::msgsnd(msqid, &message, sizeof(message.text), 0) != 0) Die("msgsnd");
    if (::msgrcv(msqid, &message, sizeof(message.text), 2, 0) < 0) Die("msgrcv");
  }
  const double seconds = SecondsSince(start);
  ::waitpid(child, nullptr, 0);
  ::msgctl(msqid, IPC_RMID, nullptr);
  std::printf("msg_pingpong_calls_per_second=%.0f\n",
              4.0 * static_cast<double>(round_trips) / seconds);
}

void SemUncontended(long calls) {
  int semid = ::semget(IPC_PRIVATE, 1, 0600);
  if (semid < 0) Die("semget");
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < calls / 2; ++i) {
    Semop(semid, 0, 1);
    Semop(semid, 0, -1);
  }
  const double seconds = SecondsSince(start);
  ::semctl(semid, 0, IPC_RMID);
  std::printf("sem_uncontended_ns_per_call=%.1f\n", seconds * 1e9 / static_cast<double>(calls));
}

void OtherSyscall(long calls) {
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < calls; ++i) ::getppid();
  const double seconds = SecondsSince(start);
  std::printf("other_syscall_ns_per_call=%.1f\n", seconds * 1e9 / static_cast<double>(calls));
}

// A call that changes nothing: a semop waiting for zero that may not wait, a msgrcv of a type
// no message has that may not wait, an attach and detach.
void Touch(const char* state_file) {
  std::ifstream in(state_file);
  if (!in) Die("cannot read the state file");
  std::string kind;
  long id = 0;
  long touched = 0;
  while (in >> kind >> id) {
    const int object = static_cast<int>(id);
    if (kind == "sem") {
      sembuf op{0, 0, IPC_NOWAIT};
      ::semop(object, &op, 1);
    } else if (kind == "msg") {
      Message message{};
      ::msgrcv(object, &message, sizeof(message.text), 0x7fffffff, IPC_NOWAIT);
    } else if (kind == "shm") {
      void* address = ::shmat(object, nullptr, SHM_RDONLY);
      if (address != reinterpret_cast<void*>(-1)) ::shmdt(address);
    } else {
      continue;
    }
    ++touched;
  }
  std::printf("touched=%ld\n", touched);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr,
                 "usage: activity_bench sem-pingpong|msg-pingpong|sem-uncontended|"
                 "other-syscall N\n"
                 "       activity_bench touch STATE_FILE\n");
    return 2;
  }
  const std::string mode = argv[1];
  if (mode == "touch") {
    Touch(argv[2]);
    return 0;
  }
  const long count = std::atol(argv[2]);
  if (count <= 0) return 2;
  if (mode == "sem-pingpong") {
    SemPingPong(count);
  } else if (mode == "msg-pingpong") {
    MsgPingPong(count);
  } else if (mode == "sem-uncontended") {
    SemUncontended(count);
  } else if (mode == "other-syscall") {
    OtherSyscall(count);
  } else {
    return 2;
  }
  return 0;
}
