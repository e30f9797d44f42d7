#include "floor_reader.h"

#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <vector>

#include "procfs/semctl_arg.h"

namespace ipc_bench {
namespace {}  // namespace

FloorCounts ReadEverything() {
  FloorCounts counts;

  shm_info shm_summary{};
  int max_shm = ::shmctl(0, SHM_INFO, reinterpret_cast<shmid_ds*>(&shm_summary));
  for (int index = 0; index <= max_shm; ++index) {
    shmid_ds ds{};
    if (::shmctl(index, SHM_STAT_ANY, &ds) >= 0) ++counts.segments;
  }

  seminfo sem_summary{};
  ipc_exporter::SemctlArg arg{};
  arg.info = &sem_summary;
  int max_sem = ::semctl(0, 0, SEM_INFO, arg);
  std::vector<unsigned short> values;
  for (int index = 0; index <= max_sem; ++index) {
    semid_ds ds{};
    arg.buf = &ds;
    int semid = ::semctl(index, 0, SEM_STAT_ANY, arg);
    if (semid < 0) continue;
    ++counts.arrays;
    values.resize(ds.sem_nsems);
    arg.array = values.data();
    if (::semctl(semid, 0, GETALL, arg) < 0) continue;
    for (int n = 0; n < static_cast<int>(ds.sem_nsems); ++n) {
      ::semctl(semid, n, GETNCNT);
      ::semctl(semid, n, GETZCNT);
      ::semctl(semid, n, GETPID);
      ++counts.semaphores;
    }
  }

  msginfo msg_summary{};
  int max_msg = ::msgctl(0, MSG_INFO, reinterpret_cast<msqid_ds*>(&msg_summary));
  for (int index = 0; index <= max_msg; ++index) {
    msqid_ds ds{};
    if (::msgctl(index, MSG_STAT_ANY, &ds) >= 0) ++counts.queues;
  }
  return counts;
}

}  // namespace ipc_bench
