#include "procfs/sysv_parsers.h"

#include <cstdint>

#include "procfs/sysv_table.h"

namespace ipc_exporter {
namespace {

constexpr uint64_t kMaxId = INT32_MAX;  // ids and pids are non-negative ints in the kernel
constexpr uint64_t kMaxPerms = 07777;
constexpr uint64_t kMaxXid = UINT32_MAX;

/// Column indexes of the ownership fields, shared by the three tables.
struct OwnershipColumns {
  explicit OwnershipColumns(const SysvTable& table)
      : key(table.RequireColumn("key")),
        perms(table.RequireColumn("perms")),
        uid(table.RequireColumn("uid")),
        gid(table.RequireColumn("gid")),
        cuid(table.RequireColumn("cuid")),
        cgid(table.RequireColumn("cgid")) {}

  IpcOwnership Decode(RowDecoder& row) const {
    IpcOwnership owner;
    owner.key = row.Key(key);
    owner.perms = static_cast<uint32_t>(row.Unsigned(perms, kMaxPerms, 8));
    owner.uid = static_cast<uint32_t>(row.Unsigned(uid, kMaxXid));
    owner.gid = static_cast<uint32_t>(row.Unsigned(gid, kMaxXid));
    owner.cuid = static_cast<uint32_t>(row.Unsigned(cuid, kMaxXid));
    owner.cgid = static_cast<uint32_t>(row.Unsigned(cgid, kMaxXid));
    return owner;
  }

  size_t key, perms, uid, gid, cuid, cgid;
};

int32_t Id(RowDecoder& row, size_t column) {
  return static_cast<int32_t>(row.Unsigned(column, kMaxId));
}

int64_t Time(RowDecoder& row, size_t column) {
  return static_cast<int64_t>(row.Unsigned(column, INT64_MAX));
}

/// Runs `decode` on every well-formed row and keeps the records whose fields all converted.
template <typename Record, typename Decode>
ParsedTable<Record> DecodeRows(const SysvTable& table, Decode decode) {
  ParsedTable<Record> parsed;
  parsed.errors = table.errors();
  parsed.records.reserve(table.rows().size());
  for (const SysvTable::Row& row : table.rows()) {
    RowDecoder decoder(table, row);
    Record record = decode(decoder);
    if (decoder.ok()) {
      parsed.records.push_back(record);
    } else {
      parsed.errors.push_back(decoder.error());
    }
  }
  return parsed;
}

}  // namespace

ParsedTable<ShmSegment> ParseShmTable(std::string_view text, const std::string& file) {
  SysvTable table(text, file);
  OwnershipColumns owner(table);
  size_t shmid = table.RequireColumn("shmid");
  size_t size = table.RequireColumn("size");
  size_t cpid = table.RequireColumn("cpid");
  size_t lpid = table.RequireColumn("lpid");
  size_t nattch = table.RequireColumn("nattch");
  size_t atime = table.RequireColumn("atime");
  size_t dtime = table.RequireColumn("dtime");
  size_t ctime = table.RequireColumn("ctime");
  std::optional<size_t> rss = table.FindColumn("rss");
  std::optional<size_t> swap = table.FindColumn("swap");
  return DecodeRows<ShmSegment>(table, [&](RowDecoder& row) {
    ShmSegment segment;
    segment.shmid = Id(row, shmid);
    segment.owner = owner.Decode(row);
    segment.size_bytes = row.Unsigned(size);
    segment.creator_pid = Id(row, cpid);
    segment.last_operation_pid = Id(row, lpid);
    segment.attached = row.Unsigned(nattch);
    segment.attach_time = Time(row, atime);
    segment.detach_time = Time(row, dtime);
    segment.change_time = Time(row, ctime);
    if (rss) segment.resident_bytes = row.Unsigned(*rss);
    if (swap) segment.swapped_bytes = row.Unsigned(*swap);
    return segment;
  });
}

ParsedTable<SemArray> ParseSemTable(std::string_view text, const std::string& file) {
  SysvTable table(text, file);
  OwnershipColumns owner(table);
  size_t semid = table.RequireColumn("semid");
  size_t nsems = table.RequireColumn("nsems");
  size_t otime = table.RequireColumn("otime");
  size_t ctime = table.RequireColumn("ctime");
  return DecodeRows<SemArray>(table, [&](RowDecoder& row) {
    SemArray array;
    array.semid = Id(row, semid);
    array.owner = owner.Decode(row);
    array.semaphores = row.Unsigned(nsems, kMaxId);
    array.operation_time = Time(row, otime);
    array.change_time = Time(row, ctime);
    return array;
  });
}

ParsedTable<MsgQueue> ParseMsgTable(std::string_view text, const std::string& file) {
  SysvTable table(text, file);
  OwnershipColumns owner(table);
  size_t msqid = table.RequireColumn("msqid");
  size_t cbytes = table.RequireColumn("cbytes");
  size_t qnum = table.RequireColumn("qnum");
  size_t lspid = table.RequireColumn("lspid");
  size_t lrpid = table.RequireColumn("lrpid");
  size_t stime = table.RequireColumn("stime");
  size_t rtime = table.RequireColumn("rtime");
  size_t ctime = table.RequireColumn("ctime");
  return DecodeRows<MsgQueue>(table, [&](RowDecoder& row) {
    MsgQueue queue;
    queue.msqid = Id(row, msqid);
    queue.owner = owner.Decode(row);
    queue.bytes = row.Unsigned(cbytes);
    queue.messages = row.Unsigned(qnum);
    queue.last_send_pid = Id(row, lspid);
    queue.last_receive_pid = Id(row, lrpid);
    queue.send_time = Time(row, stime);
    queue.receive_time = Time(row, rtime);
    queue.change_time = Time(row, ctime);
    return queue;
  });
}

}  // namespace ipc_exporter
