// Which capabilities each run keeps: the least that its flags need.
#include "exporter/privileges.h"

#include <gtest/gtest.h>

namespace ipc_exporter {
namespace {

using Caps = std::vector<std::string>;

TEST(Privileges, EachFlagAddsOnlyWhatItNeeds) {
  EXPECT_EQ(NeededCapabilities(false, false, false, false), Caps{"cap_ipc_owner"});
  EXPECT_EQ(NeededCapabilities(true, false, false, false),
            (Caps{"cap_ipc_owner", "cap_sys_ptrace"}));
  EXPECT_EQ(NeededCapabilities(true, true, false, false),
            (Caps{"cap_ipc_owner", "cap_dac_read_search", "cap_sys_ptrace"}));
  EXPECT_EQ(NeededCapabilities(false, false, true, false),
            (Caps{"cap_ipc_owner", "cap_sys_admin", "cap_sys_ptrace"}));
  EXPECT_EQ(NeededCapabilities(false, false, false, false, ActivityTracing::kLoading),
            (Caps{"cap_ipc_owner", "cap_bpf", "cap_perfmon", "cap_dac_read_search"}));
  EXPECT_EQ(NeededCapabilities(false, false, false, false, ActivityTracing::kLoaded),
            (Caps{"cap_ipc_owner", "cap_bpf", "cap_perfmon"}));
  EXPECT_EQ(NeededCapabilities(false, false, false, true),
            (Caps{"cap_ipc_owner", "cap_net_bind_service"}));
}

TEST(Privileges, AnUnknownCapabilityIsAnErrorNotADrop) {
  // Refused before anything is changed, so the test process keeps what it has.
  EXPECT_EQ(DropOtherCapabilities({"cap_no_such_thing"}), "unknown capability cap_no_such_thing");
}

}  // namespace
}  // namespace ipc_exporter
