#pragma once

#include <string>
#include <string_view>

#include "sysv_records.h"

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

}  // namespace ipc_exporter
