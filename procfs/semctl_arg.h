#pragma once

#include <sys/sem.h>

namespace ipc_exporter {

/// semctl()'s fourth argument: glibc leaves its definition to the caller (semctl(2)).
union SemctlArg {
  int val;
  struct semid_ds* buf;
  unsigned short* array;
  struct seminfo* info;  // IPC_INFO, SEM_INFO
};

}  // namespace ipc_exporter
