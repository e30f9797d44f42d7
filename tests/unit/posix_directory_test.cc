// Opening another namespace's /dev/shm or mqueue mount through /proc/PID/root: resolved inside
// that root, on the expected filesystem only. The roots here are scratch directories standing
// in for /proc/PID/root, with the links an unprivileged namespace owner could make.
#include "collectors/posix/posix_directory.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace ipc_exporter {
namespace {

namespace fs = std::filesystem;

/// The names a listing holds.
std::set<std::string> Names(DIR* listing) {
  std::set<std::string> names;
  while (const dirent* entry = ::readdir(listing)) {
    if (entry->d_name[0] != '.') names.insert(entry->d_name);
  }
  ::closedir(listing);
  return names;
}

class ScratchRoots : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("ipc_posix_dir_" + std::to_string(::getpid()));
    fs::create_directories(base_ / "secret");
    std::ofstream(base_ / "secret" / "private_file") << "x";
    fs::create_directories(base_ / "root" / "dev");
    settings_.through_process_root = true;
    settings_.process_root = (base_ / "root").string();
  }
  void TearDown() override { fs::remove_all(base_); }
  std::string DevShm() const { return (base_ / "root" / "dev" / "shm").string(); }

  fs::path base_;
  CollectorSettings settings_;
};

TEST(PosixDirectory, AnExitedProcesssRootIsNoErrorButAMissingDevShmIs) {
  const std::string gone = "/proc/2147483647/root/dev/shm";  // above pid_max: never a process
  CollectorSettings through_root;
  through_root.through_process_root = true;
  through_root.process_root = "/proc/2147483647/root";
  EXPECT_EQ(OpenPosixDirectory(gone, through_root, PosixFilesystem::kTmpfs), nullptr);
  EXPECT_THROW(OpenPosixDirectory(gone, CollectorSettings{}, PosixFilesystem::kTmpfs),
               std::runtime_error);
  EXPECT_EQ(OpenPosixDirectory("", CollectorSettings{}, PosixFilesystem::kTmpfs), nullptr);
  // The exporter's own directory is taken as configured, whatever its filesystem.
  DIR* here = OpenPosixDirectory(".", CollectorSettings{}, PosixFilesystem::kTmpfs);
  ASSERT_NE(here, nullptr);
  ::closedir(here);
}

// The attack: /dev/shm in the namespace is an absolute symlink to a directory of the host that
// only root may read. Followed from the exporter's root, it published that directory.
TEST_F(ScratchRoots, AnAbsoluteLinkCannotLeaveTheNamespacesRoot) {
  fs::create_directory_symlink(base_ / "secret", DevShm());
  EXPECT_EQ(DirectoryDevice(DevShm(), settings_, PosixFilesystem::kTmpfs), std::nullopt);
  // Inside the root the link names nothing: as for an exited process, nothing is listed.
  EXPECT_EQ(OpenPosixDirectory(DevShm(), settings_, PosixFilesystem::kTmpfs), nullptr);
  // With that path made inside the root, its listing is the root's own, not the host's.
  fs::create_directories(base_ / "root" / base_.relative_path() / "secret");
  EXPECT_THROW(OpenPosixDirectory(DevShm(), settings_, PosixFilesystem::kTmpfs), std::runtime_error)
      << "a directory on the root's filesystem is no tmpfs";
}

TEST_F(ScratchRoots, DotDotStopsAtTheRoot) {
  fs::create_directory_symlink(
      "../../../../../../../../" + base_.relative_path().string() + "/secret", DevShm());
  EXPECT_EQ(OpenPosixDirectory(DevShm(), settings_, PosixFilesystem::kTmpfs), nullptr);
}

// /proc/self/root is a magic link: through it a path could reach the exporter's own root from
// inside any other. Resolution refuses it (ELOOP), so the listing fails, naming the path.
TEST_F(ScratchRoots, MagicLinksAreNotFollowed) {
  CollectorSettings host_root = settings_;
  host_root.process_root = "/";
  const std::string through_magic = "/proc/self/root" + (base_ / "secret").string();
  EXPECT_THROW(OpenPosixDirectory(through_magic, host_root, PosixFilesystem::kTmpfs),
               std::runtime_error);
}

// A tmpfs reached inside the root is listed; the same directory is refused as an mqueue mount.
TEST_F(ScratchRoots, TheExpectedFilesystemInsideTheRootIsListed) {
  const fs::path shm = fs::path("/dev/shm") / ("ipc_posix_dir_" + std::to_string(::getpid()));
  fs::create_directories(shm);
  std::ofstream(shm / "object") << "x";
  CollectorSettings host_root = settings_;
  host_root.process_root = "/";
  DIR* listing = OpenPosixDirectory(shm.string(), host_root, PosixFilesystem::kTmpfs);
  ASSERT_NE(listing, nullptr);
  EXPECT_EQ(Names(listing), (std::set<std::string>{"object"}));
  EXPECT_TRUE(DirectoryDevice(shm.string(), host_root, PosixFilesystem::kTmpfs).has_value());
  EXPECT_THROW(OpenPosixDirectory(shm.string(), host_root, PosixFilesystem::kMqueue),
               std::runtime_error);
  fs::remove_all(shm);
}

}  // namespace
}  // namespace ipc_exporter
