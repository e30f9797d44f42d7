// Reading below a proc root: whole files, missing ones, refusals of what is not a regular file,
// and the pid listing.
#include "procfs/proc_fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace ipc_exporter {
namespace {

namespace fs = std::filesystem;

class ProcFsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("ipc_proc_fs_" + std::to_string(::getpid()));
    fs::create_directories(root_ / "sysvipc");
    fs::create_directories(root_ / "42");
    fs::create_directories(root_ / "7");
    fs::create_directories(root_ / "self");
    fs::create_directories(root_ / "not-a-pid");
    std::ofstream(root_ / "sysvipc" / "shm") << "key shmid\n1 2\n";
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(ProcFsTest, ReadsWholeFilesAndKnowsMissingOnes) {
  const ProcFs proc(root_.string());
  EXPECT_EQ(proc.PathOf("sysvipc/shm"), (root_ / "sysvipc" / "shm").string());
  EXPECT_EQ(proc.ReadFile("sysvipc/shm"), "key shmid\n1 2\n");
  EXPECT_EQ(proc.ReadFileIfExists("sys/kernel/shm_rmid_forced"), std::nullopt);
  try {
    proc.ReadFile("sysvipc/msg");
    FAIL() << "a missing file was read";
  } catch (const ProcFsError& error) {
    EXPECT_NE(std::string(error.what()).find((root_ / "sysvipc" / "msg").string()),
              std::string::npos)
        << error.what();
  }
}

TEST_F(ProcFsTest, RefusesWhatIsNotARegularFileWithoutBlocking) {
  ASSERT_EQ(::mkfifo((root_ / "sysvipc" / "sem").c_str(), 0600), 0);  // would block a reader
  const ProcFs proc(root_.string());
  EXPECT_THROW(proc.ReadFile("sysvipc/sem"), ProcFsError);
  EXPECT_THROW(proc.ReadFileIfExists("sysvipc"), ProcFsError);  // a directory
}

TEST_F(ProcFsTest, ListsNumericDirectoriesAscending) {
  const ProcFs proc(root_.string());
  EXPECT_EQ(proc.ListPids(), (std::vector<int32_t>{7, 42}));
  EXPECT_THROW(ProcFs((root_ / "absent").string()).ListPids(), ProcFsError);
}

}  // namespace
}  // namespace ipc_exporter
