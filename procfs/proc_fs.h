#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ipc_exporter {

/// A file under the proc root could not be read. The message names the full path and the reason.
class ProcFsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads files below a proc mount (`--path.procfs`), so that fixture trees can stand in for /proc.
///
/// Reading is kept apart from parsing: this class returns text, the parsers never open files.
/// Thread-safe: it holds only the root path.
class ProcFs {
 public:
  /// Files larger than this are refused rather than read: no real /proc table comes close, and a
  /// misdirected --path.procfs must not make the exporter swallow an endless file.
  static constexpr size_t kMaxFileBytes = 512u << 20;

  explicit ProcFs(std::string root);

  const std::string& root() const { return root_; }

  /// The full path of `relative` (for example "sysvipc/shm") below the root.
  std::string PathOf(std::string_view relative) const;

  /// Reads a whole file; throws ProcFsError on any failure.
  std::string ReadFile(std::string_view relative) const;

  /// Reads a whole file, or returns nullopt if it does not exist (an older kernel without that
  /// knob); throws ProcFsError on any other failure.
  std::optional<std::string> ReadFileIfExists(std::string_view relative) const;

  /// The process ids under the root (its numeric directory names), ascending. Throws
  /// ProcFsError if the root cannot be listed.
  std::vector<int32_t> ListPids() const;

 private:
  std::string root_;
};

}  // namespace ipc_exporter
