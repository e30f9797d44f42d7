#include <algorithm>
#include <array>
#include <cstring>

#include "collectors/object_families.h"
#include "collectors/sysv/sysv_collectors.h"
#include "exposition/series_cap.h"
#include "procfs/kernel_limits.h"
#include "procfs/process_table.h"
#include "procfs/sysv_parsers.h"

namespace ipc_exporter {
namespace {

/// A listed queue with the capacity msgctl reported (nullopt if it refused) and what the
/// process table says of its last receiver.
struct QueueReading {
  MsgQueue queue;
  std::optional<uint64_t> capacity_bytes;
  Liveness last_receiver = Liveness::kUnknown;
  bool stalled = false;
  bool never_received = false;
  std::string receiver_command;  // while it runs, or as remembered after; for the landing page
  Liveness last_sender = Liveness::kUnknown;
  std::string sender_command;  // likewise
};

/// Messages wait and the process that last received from the queue is gone: its consumer died.
/// An unknown receiver is never taken for a dead one.
bool Stalled(const MsgQueue& q, Liveness last_receiver) {
  return q.messages > 0 && last_receiver == Liveness::kDead;
}

/// Messages wait, nothing was ever received, and the last send is older than the threshold: a
/// consumer that never came (or one that only peeks), which is not the same as one that died.
bool NeverReceived(const MsgQueue& q, int64_t now, int64_t threshold) {
  return q.messages > 0 && q.receive_time == 0 && q.send_time > 0 && now - q.send_time > threshold;
}

using Gauge = ObjectGauge<QueueReading>;

const std::array<Gauge, 11> kQueueGauges = {{
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
    {"ipc_msg_queue_last_receiver_alive",
     "1 if the process that last received from the queue still runs, 0 if it exited or its pid "
     "was reused; absent when unknown (/proc/sysvipc/msg lrpid, /proc/PID/stat).",
     [](const QueueReading& r) -> std::optional<uint64_t> {
       if (r.last_receiver == Liveness::kUnknown) return std::nullopt;
       return r.last_receiver == Liveness::kAlive ? 1 : 0;
     }},
    {"ipc_msg_queue_stalled",
     "1 if messages wait and the process that last received from the queue is gone: its "
     "consumer died.",
     [](const QueueReading& r) -> std::optional<uint64_t> { return r.stalled ? 1 : 0; }},
    {"ipc_msg_queue_never_received",
     "1 if messages wait, nothing was ever received from the queue, and the last send is older "
     "than --collector.msg.stall-threshold.",
     [](const QueueReading& r) -> std::optional<uint64_t> { return r.never_received ? 1 : 0; }},
}};

class MsgCollector final : public Collector {
 public:
  explicit MsgCollector(const CollectorContext& context) : context_(context) {}

  void Collect(ExpositionWriter& out, CollectReport& report) override {
    const ProcFs& proc = context_.proc;
    std::vector<MsgQueue> queues =
        ReadSortedTable<MsgQueue>(proc, "msg", ParseMsgTable, &MsgQueue::msqid, report.errors);

    if (context_.settings.msg_max_series == 0) {  // totals and limits only: no msgctl
      WriteTotalsAndLimits(out, ListedOnly(queues, &QueueReading::queue), report);
      return;
    }
    std::vector<QueueReading> readings = ReadQueues(queues, report);
    std::vector<ObjectIdentity> identities;
    identities.reserve(readings.size());
    for (const QueueReading& r : readings) {
      identities.push_back(IdentityOf(r.queue.owner.key, r.queue.msqid));
    }

    WriteObjects(out, readings, identities, report);
    ReportStalled(readings, report);
    if (context_.settings.ListingObjects()) ListObjects(readings, report);
    WriteTotalsAndLimits(out, readings, report);
  }

 private:
  // The per-queue families, for the queues that fit under --collector.msg.max-series (stalled
  // ones first).
  void WriteObjects(ExpositionWriter& out, const std::vector<QueueReading>& readings,
                    const std::vector<ObjectIdentity>& identities, CollectReport& report) {
    std::vector<uint64_t> series(readings.size());
    std::vector<bool> flagged(readings.size());
    for (size_t i = 0; i < readings.size(); ++i) {
      series[i] = SeriesOf<QueueReading>(readings[i], kQueueGauges);
      flagged[i] = readings[i].stalled || readings[i].never_received;
    }
    WriteWithinCap(readings, identities, series, flagged, context_.settings.msg_max_series,
                   &report.series_dropped,
                   [&](const std::vector<QueueReading>& kept,
                       const std::vector<ObjectIdentity>& ids) { WriteKept(out, kept, ids); });
  }

  void WriteKept(ExpositionWriter& out, const std::vector<QueueReading>& readings,
                 const std::vector<ObjectIdentity>& identities) {
    WriteObjectGauges<QueueReading>(out, "msqid", readings, identities, kQueueGauges);
    WriteOwnershipInfo<QueueReading>(
        out, "ipc_msg_queue_info",
        "Ownership and mode of the message queue, value 1 (/proc/sysvipc/msg).", "msqid", readings,
        identities, context_.names,
        [](const QueueReading& r) -> const IpcOwnership& { return r.queue.owner; });
  }

 private:
  // Adds each queue's capacity and judges it. Queues removed since the listing are dropped
  // silently.
  std::vector<QueueReading> ReadQueues(const std::vector<MsgQueue>& queues, CollectReport& report) {
    ProcessTable processes(context_.proc, context_.settings.memory.get());
    const int64_t now = context_.now();
    const int64_t threshold = context_.settings.msg_stall_threshold_seconds;
    std::vector<QueueReading> readings;
    readings.reserve(queues.size());
    for (const MsgQueue& queue : queues) {
      uint64_t capacity = 0;
      SyscallResult result = context_.syscalls.ReadQueueCapacity(queue.msqid, &capacity);
      if (result.outcome == SyscallOutcome::kGone) continue;
      if (result.outcome == SyscallOutcome::kFailed) {
        report.errors.push_back("msgctl on msqid " + std::to_string(queue.msqid) +
                                " failed: " + std::strerror(result.error));
      }
      QueueReading reading;
      reading.queue = queue;
      if (result.outcome == SyscallOutcome::kOk) reading.capacity_bytes = capacity;
      reading.last_receiver = processes.Check(queue.last_receive_pid, queue.receive_time);
      reading.stalled = Stalled(queue, reading.last_receiver);
      // Commands are looked up only where something shows them: a stalled queue's receiver on
      // the landing page, and every sender and receiver while the page lists objects.
      const bool listing = context_.settings.ListingObjects();
      if (reading.stalled || listing) {
        reading.receiver_command =
            processes.CommandOf(queue.last_receive_pid, queue.receive_time).value_or("");
      }
      if (listing) {
        reading.last_sender = processes.Check(queue.last_send_pid, queue.send_time);
        reading.sender_command =
            processes.CommandOf(queue.last_send_pid, queue.send_time).value_or("");
      }
      reading.never_received = NeverReceived(queue, now, threshold);
      // A send or receive without a pid: that process runs outside our pid namespace.
      if ((queue.send_time > 0 && queue.last_send_pid == 0) ||
          (queue.receive_time > 0 && queue.last_receive_pid == 0)) {
        ++report.invisible_pids;
      }
      readings.push_back(reading);
    }
    return readings;
  }

  void ListObjects(const std::vector<QueueReading>& readings, CollectReport& report) {
    report.objects.reserve(report.objects.size() + readings.size());
    for (const QueueReading& r : readings) {
      const MsgQueue& q = r.queue;
      ObjectRow row = SysvObjectRow(ObjectKind::kMsgQueue, q.owner, q.msqid, context_.names);
      row.bytes = q.bytes;
      row.capacity_bytes = r.capacity_bytes;
      row.count = q.messages;
      row.last = {q.last_receive_pid, r.receiver_command, r.last_receiver};
      row.sender = {q.last_send_pid, r.sender_command, r.last_sender};
      row.changed = std::max({q.send_time, q.receive_time, q.change_time});
      if (r.stalled) row.problem = Problem::kStalledQueue;
      report.objects.push_back(std::move(row));
    }
  }

  void ReportStalled(const std::vector<QueueReading>& readings, CollectReport& report) {
    const int64_t now = context_.now();
    for (size_t i = 0; i < readings.size(); ++i) {
      const MsgQueue& q = readings[i].queue;
      if (!readings[i].stalled) continue;
      AttentionItem item;
      item.problem = Problem::kStalledQueue;
      item.key = q.owner.key;
      item.id = q.msqid;
      item.owner = context_.names.UserName(q.owner.uid);
      item.bytes = q.bytes;
      item.messages = q.messages;
      item.pid = q.last_receive_pid;
      item.command = readings[i].receiver_command;
      item.idle_seconds = IdleSeconds(now, q.receive_time);
      report.attention.push_back(std::move(item));
    }
  }

  void WriteTotalsAndLimits(ExpositionWriter& out, const std::vector<QueueReading>& readings,
                            CollectReport& report) {
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
    std::optional<uint64_t> msgmni = ReadLimitValue(proc, "sys/kernel/msgmni", &report.errors);
    WriteSingleGauge(out, "ipc_msg_queues_limit",
                     "Maximum number of message queues (kernel.msgmni).", msgmni);
    WriteSingleGauge(out, "ipc_msg_message_size_limit_bytes",
                     "Maximum size of one message in bytes (kernel.msgmax).",
                     ReadLimitValue(proc, "sys/kernel/msgmax", &report.errors));
    WriteSingleGauge(out, "ipc_msg_queue_default_capacity_bytes",
                     "Capacity in bytes given to new message queues (kernel.msgmnb).",
                     ReadLimitValue(proc, "sys/kernel/msgmnb", &report.errors));
    if (msgmni) {
      report.limits.push_back({"Message queues (kernel.msgmni)",
                               static_cast<double>(readings.size()), static_cast<double>(*msgmni)});
    }
  }

  CollectorContext context_;
};

}  // namespace

std::unique_ptr<Collector> CreateMsgCollector(const CollectorContext& context) {
  return std::make_unique<MsgCollector>(context);
}

}  // namespace ipc_exporter
