#include "procfs/proc_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "procfs/text_fields.h"

namespace ipc_exporter {
namespace {

std::string ErrnoMessage(const std::string& path, const char* action, int error) {
  return "cannot " + std::string(action) + " " + path + ": " + std::strerror(error);
}

// Reads with plain read(2): /proc files report a size of 0, so the buffer grows as data comes.
// Opened non-blocking and refused unless a regular file (as every /proc file is): a FIFO or a
// device under --path.procfs would otherwise block the read, and the scrape, for good.
std::optional<std::string> ReadPath(const std::string& path, bool missing_is_ok) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    int error = errno;
    if (missing_is_ok && error == ENOENT) return std::nullopt;
    throw ProcFsError(ErrnoMessage(path, "open", error));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    throw ProcFsError("refusing to read " + path + ": not a regular file");
  }
  std::string text;
  size_t used = 0;
  text.resize(64 * 1024);
  for (;;) {
    if (used == text.size()) {
      if (text.size() >= ProcFs::kMaxFileBytes) {
        ::close(fd);
        throw ProcFsError("refusing to read " + path + ": larger than " +
                          std::to_string(ProcFs::kMaxFileBytes) + " bytes");
      }
      text.resize(text.size() * 2);
    }
    ssize_t got = ::read(fd, text.data() + used, text.size() - used);
    if (got < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::close(fd);
      throw ProcFsError(ErrnoMessage(path, "read", error));
    }
    if (got == 0) break;
    used += static_cast<size_t>(got);
  }
  ::close(fd);
  text.resize(used);
  return text;
}

}  // namespace

ProcFs::ProcFs(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string ProcFs::PathOf(std::string_view relative) const {
  std::string path = root_;
  if (path != "/") path.push_back('/');
  path.append(relative);
  return path;
}

std::string ProcFs::ReadFile(std::string_view relative) const {
  return *ReadPath(PathOf(relative), false);
}

std::optional<std::string> ProcFs::ReadFileIfExists(std::string_view relative) const {
  return ReadPath(PathOf(relative), true);
}

std::vector<int32_t> ProcFs::ListPids() const {
  DIR* dir = ::opendir(root_.c_str());
  if (dir == nullptr) throw ProcFsError(ErrnoMessage(root_, "list", errno));
  std::vector<int32_t> pids;
  while (const dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    int32_t pid = 0;
    if (detail::ParseWholeNumber(name, &pid) && pid > 0) pids.push_back(pid);
  }
  ::closedir(dir);
  std::sort(pids.begin(), pids.end());
  return pids;
}

}  // namespace ipc_exporter
