#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "procfs/proc_fs.h"
#include "procfs/sysv_records.h"

namespace ipc_exporter {

/// Parsers of the /proc/sysvipc tables. Pure: they take the text and the name to use in messages.
/// Columns are found by header name. A malformed row is skipped and described in `errors`; a
/// table without a header or without a column the parser needs throws TableFormatError.

/// /proc/sysvipc/shm, with 16 columns or the 14 of kernels without rss and swap.
ParsedTable<ShmSegment> ParseShmTable(std::string_view text, const std::string& file);

/// /proc/sysvipc/sem (10 columns).
ParsedTable<SemArray> ParseSemTable(std::string_view text, const std::string& file);

/// /proc/sysvipc/msg (14 columns).
ParsedTable<MsgQueue> ParseMsgTable(std::string_view text, const std::string& file);

/// Reads /proc/sysvipc/`table` below `proc`, parses it with `parse`, adds a message per malformed
/// row to `errors` and returns the records sorted by `id`. Throws ProcFsError if the file cannot
/// be read and TableFormatError if it has no usable header.
template <typename Record>
std::vector<Record> ReadSortedTable(const ProcFs& proc, std::string_view table,
                                    ParsedTable<Record> (*parse)(std::string_view,
                                                                 const std::string&),
                                    int32_t Record::*id, std::vector<std::string>& errors) {
  const std::string relative = "sysvipc/" + std::string(table);
  std::string text = proc.ReadFile(relative);
  ParsedTable<Record> parsed = parse(text, proc.PathOf(relative));
  errors.insert(errors.end(), parsed.errors.begin(), parsed.errors.end());
  std::sort(parsed.records.begin(), parsed.records.end(),
            [id](const Record& a, const Record& b) { return a.*id < b.*id; });
  return std::move(parsed.records);
}

}  // namespace ipc_exporter
