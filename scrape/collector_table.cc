#include "scrape/collector_table.h"

#include "collectors/activity/activity_collector.h"
#include "collectors/posix/posix_collectors.h"
#include "collectors/sysv/sysv_collectors.h"

namespace ipc_exporter {

// The one place collectors are registered: no static initialisers, no hidden order.
const std::vector<CollectorInfo>& AllCollectors() {
  static const std::vector<CollectorInfo> kCollectors = {
      {"shm", true, "System V shared memory segments and kernel.shm* limits", CreateShmCollector},
      {"sem", true, "System V semaphore arrays, every semaphore's value and waiters, kernel.sem",
       CreateSemCollector},
      {"msg", true, "System V message queues and kernel.msg* limits", CreateMsgCollector},
      {"posix_shm", true, "POSIX shared memory objects (/dev/shm)", CreatePosixShmCollector},
      {"posix_sem", true, "named POSIX semaphores (/dev/shm/sem.*)", CreatePosixSemCollector},
      {"posix_mqueue", true, "POSIX message queues (the mqueue filesystem) and fs.mqueue limits",
       CreatePosixMqueueCollector},
      {"activity", false,
       "what happens to each System V object, traced in the kernel with eBPF: semaphore "
       "operations and waits, queue traffic and waits, attaches, creations and removals (needs "
       "CAP_BPF and CAP_PERFMON; costs the traced calls, see README)",
       CreateActivityCollector},
  };
  return kCollectors;
}

}  // namespace ipc_exporter
