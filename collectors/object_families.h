#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "exposition/exposition_writer.h"
#include "procfs/account_names.h"
#include "procfs/sysv_records.h"

namespace ipc_exporter {

/// The identity labels of one SysV object, formatted once and reused by all its series.
struct ObjectIdentity {
  std::string key;  // 0x%08x, lower case, as ipcs prints it
  std::string id;   // decimal shmid / semid / msqid
};

inline ObjectIdentity IdentityOf(uint32_t key, int32_t id) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "0x%08x", key);
  return ObjectIdentity{buffer, std::to_string(id)};
}

/// A per-object gauge family: its name, its HELP sentence, and how to read its value from a
/// record (nullopt leaves that object out of the family).
template <typename Record>
struct ObjectGauge {
  std::string_view name;
  std::string_view help;
  std::optional<uint64_t> (*value)(const Record& record);
};

/// A gauge's value from a kernel number that is never negative (a pid, a time, a count).
inline std::optional<uint64_t> Unsigned(int64_t value) { return static_cast<uint64_t>(value); }

/// Writes each family of `gauges` with one sample per record, labelled key and `id_label`.
/// `records` and `identities` run in parallel, already in output order.
template <typename Record>
void WriteObjectGauges(ExpositionWriter& out, std::string_view id_label,
                       const std::vector<Record>& records,
                       const std::vector<ObjectIdentity>& identities,
                       std::span<const ObjectGauge<Record>> gauges) {
  for (const ObjectGauge<Record>& gauge : gauges) {
    out.Family(gauge.name, gauge.help);
    for (size_t i = 0; i < records.size(); ++i) {
      std::optional<uint64_t> value = gauge.value(records[i]);
      if (!value) continue;
      out.Sample({{"key", identities[i].key}, {id_label, identities[i].id}}, *value);
    }
  }
}

/// How many series `record` gets from `gauges` (those with a value), plus its `_info` series.
template <typename Record>
uint64_t SeriesOf(const Record& record, std::span<const ObjectGauge<Record>> gauges) {
  uint64_t series = 1;
  for (const ObjectGauge<Record>& gauge : gauges) series += gauge.value(record).has_value();
  return series;
}

/// The permission bits as a four-digit octal string, e.g. "0600".
std::string FormatMode(uint32_t perms);

/// Writes the `_info` family: value 1, with the descriptive labels that per-object series leave
/// out (uid, user, gid, group, cuid, cgid, mode), to be joined on the id label. With
/// `creator_command_of` each sample also gets `creator_command`.
template <typename Record>
void WriteOwnershipInfo(ExpositionWriter& out, std::string_view name, std::string_view help,
                        std::string_view id_label, const std::vector<Record>& records,
                        const std::vector<ObjectIdentity>& identities, AccountNames& names,
                        const IpcOwnership& (*owner_of)(const Record&),
                        std::string_view (*creator_command_of)(const Record&) = nullptr) {
  out.Family(name, help);
  for (size_t i = 0; i < records.size(); ++i) {
    const IpcOwnership& owner = owner_of(records[i]);
    std::string uid = std::to_string(owner.uid);
    std::string gid = std::to_string(owner.gid);
    std::string cuid = std::to_string(owner.cuid);
    std::string cgid = std::to_string(owner.cgid);
    std::string user = names.UserName(owner.uid);
    std::string group = names.GroupName(owner.gid);
    std::string mode = FormatMode(owner.perms);
    const std::array<Label, 10> labels = {
        {{"key", identities[i].key},
         {id_label, identities[i].id},
         {"uid", uid},
         {"user", user},
         {"gid", gid},
         {"group", group},
         {"cuid", cuid},
         {"cgid", cgid},
         {"mode", mode},
         {"creator_command",
          creator_command_of == nullptr ? std::string_view() : creator_command_of(records[i])}}};
    // creator_command only where the collector names creators.
    out.SampleWith(std::span(labels).first(creator_command_of == nullptr ? 9 : 10), uint64_t{1});
  }
}

/// Writes the `_info` family of POSIX objects (files): value 1 with labels name, uid, user, gid,
/// group and mode. `Record` has members name, uid, gid and mode.
template <typename Record>
void WriteFileOwnershipInfo(ExpositionWriter& out, std::string_view family, std::string_view help,
                            const std::vector<Record>& records, AccountNames& names) {
  out.Family(family, help);
  for (const Record& r : records) {
    std::string uid = std::to_string(r.uid), gid = std::to_string(r.gid);
    std::string user = names.UserName(r.uid), group = names.GroupName(r.gid);
    std::string mode = FormatMode(r.mode);
    out.Sample({{"name", r.name},
                {"uid", uid},
                {"user", user},
                {"gid", gid},
                {"group", group},
                {"mode", mode}},
               uint64_t{1});
  }
}

/// The page's row of a POSIX object (a file): kind, name, owner and permission bits.
inline ObjectRow FileObjectRow(ObjectKind kind, const std::string& name, uint32_t uid,
                               uint32_t mode, AccountNames& names) {
  ObjectRow row;
  row.kind = kind;
  row.name = name;
  row.owner = names.UserName(uid);
  row.mode = mode & 0777u;
  return row;
}

/// The page's row of a System V object: kind, key, id, owner and permission bits.
inline ObjectRow SysvObjectRow(ObjectKind kind, const IpcOwnership& ownership, int32_t id,
                               AccountNames& names) {
  ObjectRow row;
  row.kind = kind;
  row.key = ownership.key;
  row.id = id;
  row.owner = names.UserName(ownership.uid);
  row.mode = ownership.perms & 0777u;
  return row;
}

/// Readings that hold nothing but the listed records, in `member`: what the totals need when
/// --collector.NAME.max-series=0 turns per-object series off.
template <typename Reading, typename Record>
std::vector<Reading> ListedOnly(const std::vector<Record>& records, Record Reading::*member) {
  std::vector<Reading> readings(records.size());
  for (size_t i = 0; i < records.size(); ++i) readings[i].*member = records[i];
  return readings;
}

/// The seconds from `since` to `now`, 0 if `since` is unknown (0) or in the future.
inline int64_t IdleSeconds(int64_t now, int64_t since) {
  return since > 0 && now > since ? now - since : 0;
}

/// Writes a family with a single unlabelled sample; nothing if `value` is unknown.
void WriteSingleGauge(ExpositionWriter& out, std::string_view name, std::string_view help,
                      std::optional<uint64_t> value);
void WriteSingleGauge(ExpositionWriter& out, std::string_view name, std::string_view help,
                      std::optional<double> value);

}  // namespace ipc_exporter
