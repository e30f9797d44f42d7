#include <algorithm>
#include <array>
#include <cstring>

#include "kernel_limits.h"
#include "object_families.h"
#include "sysv_collectors.h"
#include "sysv_parsers.h"

namespace ipc_exporter {
namespace {

/// A listed queue with the capacity msgctl reported (nullopt if it refused).
struct QueueReading {
  MsgQueue queue;
  std::optional<uint64_t> capacity_bytes;
};

using Gauge = ObjectGauge<QueueReading>;

std::optional<uint64_t> Unsigned(int64_t value) { return static_cast<uint64_t>(value); }

const std::array<Gauge, 8> kQueueGauges = {{
    {"ipc_msg_queue_messages", "Number of messages in the queue (/proc/sysvipc/msg qnum).",
     [](const QueueReading& r) -> std::optional<uint64_t> { return r.queue.messages; }},
    {"ipc_msg_queue_bytes", "Bytes of message text in the queue (/proc/sysvipc/msg cbytes).",
     [](const QueueReading& r) -> std::optional<uint64_t> { return r.queue.bytes; }},
    {"ipc_msg_queue_capacity_bytes",
     "Maximum number of bytes the queue may hold (msg_qbytes, msgctl MSG_STAT_ANY).",
     [](const QueueReading& r) { return r.capacity_bytes; }},
    {"ipc_msg_queue_last_send_pid",
     "Process id of the last msgsnd, 0 if none or not visible (/proc/sysvipc/msg lspid).",
     [](const QueueReading& r) { return Unsigned(r.queue.last_send_pid); }},
    {"ipc_msg_queue_last_receive_pid",
     "Process id of the last msgrcv, 0 if none or not visible (/proc/sysvipc/msg lrpid).",
     [](const QueueReading& r) { return Unsigned(r.queue.last_receive_pid); }},
    {"ipc_msg_queue_send_timestamp_seconds",
     "Unix time of the last msgsnd, 0 if never (/proc/sysvipc/msg stime).",
     [](const QueueReading& r) { return Unsigned(r.queue.send_time); }},
    {"ipc_msg_queue_receive_timestamp_seconds",
     "Unix time of the last msgrcv, 0 if never (/proc/sysvipc/msg rtime).",
     [](const QueueReading& r) { return Unsigned(r.queue.receive_time); }},
    {"ipc_msg_queue_change_timestamp_seconds",
     "Unix time of the last change by msgctl or creation (/proc/sysvipc/msg ctime).",
     [](const QueueReading& r) { return Unsigned(r.queue.change_time); }},
}};

class MsgCollector final : public Collector {
 public:
  explicit MsgCollector(const CollectorContext& context) : context_(context) {}

  void Collect(ExpositionWriter& out, std::vector<std::string>* errors) override {
    const ProcFs& proc = context_.proc;
    std::string text = proc.ReadFile("sysvipc/msg");
    ParsedTable<MsgQueue> table = ParseMsgTable(text, proc.PathOf("sysvipc/msg"));
    errors->insert(errors->end(), table.errors.begin(), table.errors.end());
    std::sort(table.records.begin(), table.records.end(),
              [](const MsgQueue& a, const MsgQueue& b) { return a.msqid < b.msqid; });

    std::vector<QueueReading> readings = ReadQueues(table.records, errors);
    std::vector<ObjectIdentity> identities;
    identities.reserve(readings.size());
    for (const QueueReading& r : readings) {
      identities.push_back(IdentityOf(r.queue.owner.key, r.queue.msqid));
    }

    WriteObjectGauges<QueueReading>(out, "msqid", readings, identities, kQueueGauges);
    WriteOwnershipInfo<QueueReading>(
        out, "ipc_msg_queue_info",
        "Ownership and mode of the message queue, value 1 (/proc/sysvipc/msg).", "msqid", readings,
        identities, context_.names,
        [](const QueueReading& r) -> const IpcOwnership& { return r.queue.owner; });
    WriteTotalsAndLimits(out, readings, errors);
  }

 private:
  // Adds each queue's capacity. Queues removed since the listing are dropped silently.
  std::vector<QueueReading> ReadQueues(const std::vector<MsgQueue>& queues,
                                       std::vector<std::string>* errors) {
    std::vector<QueueReading> readings;
    readings.reserve(queues.size());
    for (const MsgQueue& queue : queues) {
      uint64_t capacity = 0;
      SyscallResult result = context_.syscalls.ReadQueueCapacity(queue.msqid, &capacity);
      switch (result.outcome) {
        case SyscallOutcome::kGone:
          continue;
        case SyscallOutcome::kOk:
          readings.push_back({queue, capacity});
          break;
        case SyscallOutcome::kDenied:
          readings.push_back({queue, std::nullopt});
          break;
        case SyscallOutcome::kFailed:
          errors->push_back("msgctl on msqid " + std::to_string(queue.msqid) +
                            " failed: " + std::strerror(result.error));
          readings.push_back({queue, std::nullopt});
          break;
      }
    }
    return readings;
  }

  void WriteTotalsAndLimits(ExpositionWriter& out, const std::vector<QueueReading>& readings,
                            std::vector<std::string>* errors) {
    uint64_t messages = 0;
    uint64_t bytes = 0;
    for (const QueueReading& r : readings) {
      messages += r.queue.messages;
      bytes += r.queue.bytes;
    }
    WriteSingleGauge(out, "ipc_msg_queues",
                     "Number of message queues (/proc/sysvipc/msg, ipcs -u allocated queues).",
                     std::optional<uint64_t>(readings.size()));
    WriteSingleGauge(out, "ipc_msg_messages",
                     "Number of messages in all queues (/proc/sysvipc/msg qnum, ipcs -u used "
                     "headers).",
                     std::optional<uint64_t>(messages));
    WriteSingleGauge(out, "ipc_msg_bytes",
                     "Bytes of message text in all queues (/proc/sysvipc/msg cbytes, ipcs -u used "
                     "space).",
                     std::optional<uint64_t>(bytes));

    const ProcFs& proc = context_.proc;
    WriteSingleGauge(out, "ipc_msg_queues_limit",
                     "Maximum number of message queues (kernel.msgmni).",
                     ReadLimitValue(proc, "sys/kernel/msgmni", errors));
    WriteSingleGauge(out, "ipc_msg_message_size_limit_bytes",
                     "Maximum size of one message in bytes (kernel.msgmax).",
                     ReadLimitValue(proc, "sys/kernel/msgmax", errors));
    WriteSingleGauge(out, "ipc_msg_queue_default_capacity_bytes",
                     "Capacity in bytes given to new message queues (kernel.msgmnb).",
                     ReadLimitValue(proc, "sys/kernel/msgmnb", errors));
  }

  CollectorContext context_;
};

}  // namespace

std::unique_ptr<Collector> CreateMsgCollector(const CollectorContext& context) {
  return std::make_unique<MsgCollector>(context);
}

}  // namespace ipc_exporter
