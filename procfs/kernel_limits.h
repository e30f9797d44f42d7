#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "procfs/proc_fs.h"

namespace ipc_exporter {

/// Parses a /proc/sys value file: whitespace-separated unsigned decimals (one for most knobs,
/// four for kernel/sem). Returns nullopt if anything else is there, or nothing. Pure.
std::optional<std::vector<uint64_t>> ParseUnsignedList(std::string_view text);

/// Reads the numbers of one /proc/sys file expected to hold `count` of them. A missing file (an
/// older kernel) gives nullopt silently; an unreadable or malformed one gives nullopt and a
/// message in `errors` naming the file.
std::optional<std::vector<uint64_t>> ReadLimitValues(const ProcFs& proc, std::string_view relative,
                                                     size_t count,
                                                     std::vector<std::string>* errors);

/// Reads a /proc/sys file holding one number, as ReadLimitValues does.
std::optional<uint64_t> ReadLimitValue(const ProcFs& proc, std::string_view relative,
                                       std::vector<std::string>* errors);

/// kernel.sem holds four limits in this order.
struct SemLimits {
  uint64_t semmsl = 0;  // semaphores per array
  uint64_t semmns = 0;  // semaphores system wide
  uint64_t semopm = 0;  // operations per semop call
  uint64_t semmni = 0;  // arrays
};

/// Reads /proc/sys/kernel/sem.
std::optional<SemLimits> ReadSemLimits(const ProcFs& proc, std::vector<std::string>* errors);

}  // namespace ipc_exporter
