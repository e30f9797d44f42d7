#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ipc_exporter {

/// Where the mqueue filesystem is mounted, from the text of /proc/self/mountinfo (the first
/// mount of type "mqueue"), or nullopt if it is not. Mount points are octal-escaped by the
/// kernel (\040 for a space); they are decoded here. Pure.
std::optional<std::string> ParseMqueueMount(std::string_view mountinfo);

/// The QSIZE field (bytes of message text in the queue) of an mqueue file's text,
/// "QSIZE:129 NOTIFY:0 SIGNO:0 NOTIFY_PID:0". Pure.
std::optional<uint64_t> ParseMqueueQsize(std::string_view text);

/// A glibc POSIX semaphore as its file /dev/shm/sem.NAME holds it (64-bit glibc: a 64-bit word
/// with the value in its low half and the number of waiters in its high half, then padding to
/// 32 bytes). Returns nullopt for anything shorter than a sem_t. Pure.
struct PosixSemaphoreWord {
  uint32_t value = 0;
  uint32_t waiters = 0;
};
std::optional<PosixSemaphoreWord> DecodePosixSemaphore(std::string_view file_start);

}  // namespace ipc_exporter
