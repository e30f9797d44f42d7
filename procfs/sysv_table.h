#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ipc_exporter {

/// The table as a whole cannot be used: no header, or a column the parser needs is missing.
class TableFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A /proc/sysvipc table split into its header and whitespace-separated rows.
///
/// Pure: it works on text already read. Fields are views into that text, which must outlive it.
/// Columns are found by header name, never by position, because the kernel has added columns
/// over time (shm gained rss and swap in 4.x).
class SysvTable {
 public:
  struct Row {
    size_t line_number;  // 1-based, as an editor shows it
    std::vector<std::string_view> fields;
  };

  /// Splits `text`; `file` names the source in messages. Throws TableFormatError if there is no
  /// header line. Rows whose field count differs from the header's are not kept: they are
  /// reported in errors() instead.
  SysvTable(std::string_view text, std::string file);

  const std::string& file() const { return file_; }
  const std::vector<Row>& rows() const { return rows_; }
  const std::vector<std::string>& errors() const { return errors_; }

  std::optional<size_t> FindColumn(std::string_view name) const;
  /// Throws TableFormatError naming the file and the missing column.
  size_t RequireColumn(std::string_view name) const;

 private:
  std::string file_;
  std::vector<std::string_view> header_;
  std::vector<Row> rows_;
  std::vector<std::string> errors_;
};

/// Converts the fields of one row, collecting the first problem as a message that names the
/// file, the line, the column and the offending text.
class RowDecoder {
 public:
  RowDecoder(const SysvTable& table, const SysvTable::Row& row) : table_(table), row_(row) {}

  /// An unsigned decimal (or octal, for perms) no larger than `max`.
  uint64_t Unsigned(size_t column, uint64_t max = UINT64_MAX, int base = 10);
  /// A signed decimal within [min, max].
  int64_t Signed(size_t column, int64_t min, int64_t max);
  /// The `key` column: printed by the kernel as a signed 32-bit number, returned as its bits.
  uint32_t Key(size_t column);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  void Fail(size_t column, std::string_view what);

  const SysvTable& table_;
  const SysvTable::Row& row_;
  std::string error_;
};

}  // namespace ipc_exporter
