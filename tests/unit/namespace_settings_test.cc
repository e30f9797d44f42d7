// SettingsPerNamespace: which namespace reads which /dev/shm and mqueue mount, and what share of
// the series caps each gets. The proc tree is a scratch directory on /dev/shm (a tmpfs, as a real
// /dev/shm is), so that the filesystem checks of other namespaces' roots can pass or fail.
#include "scrape/namespace_settings.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace ipc_exporter {
namespace {

namespace fs = std::filesystem;

class NamespaceSettings : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::path("/dev/shm") / ("ipc_ns_settings_" + std::to_string(::getpid()));
    fs::create_directories(base_ / "proc");
    fs::create_directories(base_ / "own_shm");
    settings_.dev_shm = (base_ / "own_shm").string();
    settings_.mqueue_mountinfo = "";  // no mqueue here: only /dev/shm is looked at
    settings_.shm_max_series = 1000;
    settings_.posix_sem_max_series = 7;
  }
  void TearDown() override { fs::remove_all(base_); }

  /// A process `pid` of namespace `inode` whose root has a dev/shm directory.
  void AddNamespace(uint64_t inode, int32_t pid) {
    census_.namespaces.push_back({inode, "/proc/" + std::to_string(pid) + "/ns/ipc", pid, "x", ""});
    if (pid != 0)
      fs::create_directories(base_ / "proc" / std::to_string(pid) / "root" / "dev" / "shm");
  }
  std::vector<CollectorSettings> Settings() {
    ProcFs proc((base_ / "proc").string());
    return SettingsPerNamespace(proc, census_, settings_);
  }

  fs::path base_;
  CollectorSettings settings_;
  IpcNamespaceCensus census_;
};

TEST_F(NamespaceSettings, TheOwnNamespaceKeepsItsPathsAndWholeCaps) {
  census_.self_inode = 1;
  AddNamespace(1, 1);
  const std::vector<CollectorSettings> settings = Settings();
  ASSERT_EQ(settings.size(), 1u);
  EXPECT_EQ(settings[0].dev_shm, settings_.dev_shm);
  EXPECT_EQ(settings[0].ipc_namespace, 0u);
  EXPECT_FALSE(settings[0].through_process_root);
  EXPECT_EQ(settings[0].shm_max_series, 1000u);
  EXPECT_EQ(settings[0].posix_sem_max_series, 7u);
}

// The other namespaces share one cap equally, rounded down; each is read through its process's
// root, and one that only a bind mount keeps has no /dev/shm to read.
TEST_F(NamespaceSettings, OtherNamespacesShareOneCapAndReadThroughTheirRoots) {
  census_.self_inode = 1;
  AddNamespace(1, 1);
  AddNamespace(2, 20);
  AddNamespace(3, 30);
  AddNamespace(4, 0);  // a bind mount
  const std::vector<CollectorSettings> settings = Settings();
  ASSERT_EQ(settings.size(), 4u);
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(settings[i].ipc_namespace, census_.namespaces[i].inode);
    EXPECT_EQ(settings[i].shm_max_series, 333u) << i;
    EXPECT_EQ(settings[i].posix_sem_max_series, 2u) << i;
  }
  EXPECT_TRUE(settings[1].through_process_root);
  EXPECT_EQ(settings[1].process_root, (base_ / "proc" / "20" / "root").string());
  EXPECT_TRUE(settings[3].dev_shm.empty()) << "a bind mount has no root to read /dev/shm through";
}

// Each /dev/shm filesystem is read once, by the first namespace that has it (the own first):
// these roots' dev/shm are on the same tmpfs as the own /dev/shm, so they read nothing.
TEST_F(NamespaceSettings, AFilesystemAlreadyClaimedIsNotReadAgain) {
  census_.self_inode = 1;
  AddNamespace(1, 1);
  AddNamespace(2, 20);
  const std::vector<CollectorSettings> settings = Settings();
  ASSERT_EQ(settings.size(), 2u);
  EXPECT_EQ(settings[0].dev_shm, settings_.dev_shm);
  EXPECT_TRUE(settings[1].dev_shm.empty());
}

// Without the own /dev/shm claiming that tmpfs, the first other namespace gets it and the next
// one with the same filesystem does not.
TEST_F(NamespaceSettings, TheFirstOtherNamespaceOfAFilesystemReadsIt) {
  settings_.dev_shm = "";
  census_.self_inode = 1;
  AddNamespace(1, 1);
  AddNamespace(2, 20);
  AddNamespace(3, 30);
  const std::vector<CollectorSettings> settings = Settings();
  ASSERT_EQ(settings.size(), 3u);
  EXPECT_EQ(settings[1].dev_shm, (base_ / "proc" / "20" / "root" / "dev" / "shm").string());
  EXPECT_TRUE(settings[2].dev_shm.empty());
}

// A dev/shm that is no tmpfs inside its root (here: a link to the scratch tree's parent on
// another filesystem, which inside the root names nothing) is not read at all.
TEST_F(NamespaceSettings, ADevShmThatIsNoTmpfsInsideItsRootIsNotRead) {
  settings_.dev_shm = "";
  census_.self_inode = 1;
  AddNamespace(1, 1);
  AddNamespace(2, 20);
  const fs::path dev_shm = base_ / "proc" / "20" / "root" / "dev" / "shm";
  fs::remove(dev_shm);
  fs::create_directory_symlink(fs::temp_directory_path(), dev_shm);
  const std::vector<CollectorSettings> settings = Settings();
  ASSERT_EQ(settings.size(), 2u);
  EXPECT_TRUE(settings[1].dev_shm.empty());
}

}  // namespace
}  // namespace ipc_exporter
