#include <gtest/gtest.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <string>
#include <vector>

#include "exposition_merge.h"
#include "exposition_writer.h"
#include "ipc_namespaces.h"
#include "mountinfo.h"
#include "posix_shm_holders.h"

namespace ipc_exporter {
namespace {

TEST(IpcNamespaceLink, ReadsTheInode) {
  EXPECT_EQ(ParseIpcNamespaceLink("ipc:[4026531839]"), 4026531839u);
  EXPECT_EQ(ParseIpcNamespaceLink("ipc:[1]"), 1u);
}

TEST(IpcNamespaceLink, RefusesAnythingElse) {
  for (const char* link : {"", "ipc:[]", "net:[4026531840]", "ipc:[12", "ipc:12]", "ipc:[-1]",
                           "ipc:[1a]", "ipc:[99999999999999999999999]", "ipc:[1] "}) {
    EXPECT_EQ(ParseIpcNamespaceLink(link), std::nullopt) << link;
  }
}

TEST(Mountinfo, ReadsRootMountPointAndType) {
  std::vector<MountEntry> mounts = ParseMountinfo(
      "22 1 0:21 / /dev/shm rw,nosuid,nodev shared:3 - tmpfs tmpfs rw\n"
      "30 22 0:4 ipc:[4026532300] /run/ipc\\040ns/a rw - nsfs nsfs rw\n"
      "garbage line without separator\n"
      "31 1 0:5 / /short -\n"
      "36 35 0:31 / /dev/mqueue rw,relatime - mqueue mqueue rw");
  ASSERT_EQ(mounts.size(), 3u);
  EXPECT_EQ(mounts[0].mount_point, "/dev/shm");
  EXPECT_EQ(mounts[0].fstype, "tmpfs");
  EXPECT_EQ(mounts[1].root, "ipc:[4026532300]");
  EXPECT_EQ(mounts[1].mount_point, "/run/ipc ns/a");
  EXPECT_EQ(mounts[2].fstype, "mqueue");
}

TEST(IpcNamespaceMounts, OnlyNsfsMountsOfIpcNamespaces) {
  std::vector<IpcNamespaceMount> mounts = FindIpcNamespaceMounts(
      "30 22 0:4 ipc:[4026532300] /run/ipcns/a rw - nsfs nsfs rw\n"
      "31 22 0:4 net:[4026532301] /run/netns/b rw - nsfs nsfs rw\n"
      "32 22 0:4 ipc:[4026532302] /tmp/not-nsfs rw - tmpfs tmpfs rw\n"
      "33 22 0:4 ipc:[4026532303] /run/ipcns/c rw - nsfs nsfs rw\n");
  ASSERT_EQ(mounts.size(), 2u);
  EXPECT_EQ(mounts[0].inode, 4026532300u);
  EXPECT_EQ(mounts[0].mount_point, "/run/ipcns/a");
  EXPECT_EQ(mounts[1].inode, 4026532303u);
}

TEST(ContainerId, RecognisesTheUsualRuntimes) {
  const std::string id(64, 'a');
  const std::string other = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  struct Case {
    std::string cgroup;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"0::/system.slice/docker-" + id + ".scope\n", id},  // docker, systemd
      {"12:memory:/docker/" + other + "\n0::/\n", other},  // docker, cgroupfs
      {"0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1_2.slice/"
       "cri-containerd-" +
           id + ".scope\n",
       id},                                                                    // containerd, k8s
      {"0::/kubepods/besteffort/pod0c2e/" + other + "\n", other},              // kubelet cgroupfs
      {"0::/kubepods.slice/kubepods-pod1.slice/crio-" + id + ".scope\n", id},  // CRI-O
      {"0::/machine.slice/libpod-" + other + ".scope/container\n", other},     // podman
      {"0::/machine.slice/machine-web\\x2d1.scope/payload\n", "web-1"},        // systemd-nspawn
      {"0::/machine.slice/systemd-nspawn@db.service/payload\n", "db"},         // nspawn service
  };
  for (const Case& c : cases) EXPECT_EQ(ContainerIdFromCgroup(c.cgroup), c.expected) << c.cgroup;
}

TEST(ContainerId, EmptyForHostsAndLookalikes) {
  for (const char* cgroup : {
           "0::/\n",
           "0::/user.slice/user-1000.slice/session-2.scope\n",
           "4:memory:/process_api/d0f671b00f11469fca538fa3bc227579\n",  // 32 digits: no id
           "0::/machine.slice/libpod-conmon-0123456789abcdef0123456789abcdef0123456789abcdef01"
           "23456789abcdef.scope\n",  // podman's monitor
           "0::/system.slice/docker-XYZ.scope\n",
           "",
           "no colons at all\n",
       }) {
    EXPECT_EQ(ContainerIdFromCgroup(cgroup), "") << cgroup;
  }
}

/// The text a collector writes in one namespace: families a and b, and c only if `with_c`.
std::string NamespaceText(const char* label, bool with_c) {
  std::string text;
  ExpositionWriter writer(&text);
  writer.SetLeadingLabel("ipc_namespace", label);
  writer.Family("a", "A.");
  writer.Sample({{"id", "1"}}, uint64_t{1});
  writer.Sample({{"id", "2"}}, uint64_t{2});
  if (with_c) {
    writer.Family("c", "C.");
    writer.Sample({}, uint64_t{3});
  }
  writer.Family("b_total", "B.", MetricType::kCounter);
  writer.Sample({}, uint64_t{4});
  return text;
}

TEST(MergeExpositions, EachFamilyOnceWithEveryNamespacesSamplesInOrder) {
  const std::string first = NamespaceText("1", false);
  const std::string second = NamespaceText("2", true);
  std::string merged = "# already there\n";
  MergeExpositions({first, second, ""}, &merged);
  EXPECT_EQ(merged,
            "# already there\n"
            "# HELP a A.\n# TYPE a gauge\n"
            "a{ipc_namespace=\"1\",id=\"1\"} 1\na{ipc_namespace=\"1\",id=\"2\"} 2\n"
            "a{ipc_namespace=\"2\",id=\"1\"} 1\na{ipc_namespace=\"2\",id=\"2\"} 2\n"
            "# HELP b_total B.\n# TYPE b_total counter\n"
            "b_total{ipc_namespace=\"1\"} 4\nb_total{ipc_namespace=\"2\"} 4\n"
            "# HELP c C.\n# TYPE c gauge\nc{ipc_namespace=\"2\"} 3\n");
}

TEST(MergeExpositions, OneTextComesOutUnchanged) {
  const std::string text = NamespaceText("1", true);
  std::string merged;
  MergeExpositions({text}, &merged);
  EXPECT_EQ(merged, text);
  merged.clear();
  MergeExpositions({}, &merged);
  EXPECT_EQ(merged, "");
}

TEST(MappedInodes, FilesOfTheOneDeviceEachOnce) {
  const char* maps =
      "7f00a000-7f00b000 rw-s 00000000 00:1a 4242                       /dev/shm/app\n"
      "7f00b000-7f00c000 rw-s 00001000 00:1a 4242                       /dev/shm/app\n"
      "7f00c000-7f00d000 r--s 00000000 00:1a 17                         /dev/shm/b (deleted)\n"
      "7f00d000-7f00e000 r-xp 00000000 08:01 4242                       /usr/lib/libc.so.6\n"
      "7f00e000-7f00f000 rw-p 00000000 00:00 0                          [heap]\n"
      "7f00f000-7f010000 rw-s 00000000 10a:1a 99                        /dev/other\n"
      "garbage\n"
      "7f010000-7f011000 rw-s 00000000 00:1a notanumber                 /dev/shm/x\n"
      "7f011000-7f012000 rw-s 00000000 00:1a";
  const dev_t shm = makedev(0, 0x1a), disk = makedev(8, 1), other = makedev(0x10a, 0x1a);
  EXPECT_EQ(ParseMappedFiles(maps, {shm}), (std::vector<FileId>{{shm, 17}, {shm, 4242}}));
  EXPECT_EQ(ParseMappedFiles(maps, {disk}), (std::vector<FileId>{{disk, 4242}}));
  EXPECT_EQ(ParseMappedFiles(maps, {other}), (std::vector<FileId>{{other, 99}}));
  EXPECT_TRUE(ParseMappedFiles("", {shm}).empty());
  // Several devices in one pass (sorted, as FindFileHolders passes them).
  std::vector<dev_t> both = {shm, other};
  std::sort(both.begin(), both.end());
  std::vector<FileId> expected = {{shm, 17}, {shm, 4242}, {other, 99}};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ParseMappedFiles(maps, both), expected);
}

TEST(LimitIpcNamespaces, KeepsTheOwnThenContainersThenProcessesThenLowestPids) {
  IpcNamespaceCensus census;
  census.self_inode = 1;
  census.namespaces = {
      {1, "/proc/1/ns/ipc", 1, "init", ""},   {2, "/proc/900/ns/ipc", 900, "sh", ""},
      {3, "/run/ipcns/x", 0, "", ""},         {4, "/proc/50/ns/ipc", 50, "postgres", "abc"},
      {5, "/proc/40/ns/ipc", 40, "cron", ""}, {6, "/proc/60/ns/ipc", 60, "nginx", "def"}};
  IpcNamespaceCensus limited = census;
  EXPECT_EQ(LimitIpcNamespaces(&limited, 3), 2u);
  std::vector<uint64_t> kept;
  for (const IpcNamespace& space : limited.namespaces) kept.push_back(space.inode);
  EXPECT_EQ(kept, (std::vector<uint64_t>{1, 4, 5, 6}));  // census order, own first
  limited = census;
  EXPECT_EQ(LimitIpcNamespaces(&limited, 0), 5u);
  EXPECT_EQ(limited.namespaces.size(), 1u);
  limited = census;
  EXPECT_EQ(LimitIpcNamespaces(&limited, 5), 0u);
  EXPECT_EQ(limited.namespaces.size(), 6u);
}

}  // namespace
}  // namespace ipc_exporter
