// IPC namespace links, bind mounts, container ids from cgroups, and the namespace limit.
#include "procfs/ipc_namespaces.h"

#include <gtest/gtest.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <string>
#include <vector>

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

TEST(IpcNamespaceMounts, OnlyNsfsMountsOfIpcNamespaces) {
  std::vector<IpcNamespaceMount> mounts = ParseIpcNamespaceMounts(
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
