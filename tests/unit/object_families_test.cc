// The families every System V collector shares: identities, per-object gauges, the _info
// family with and without the creator's command, modes and idle times.
#include "collectors/object_families.h"

#include <gtest/gtest.h>

#include "exposition.h"
#include "fakes.h"

namespace ipc_exporter {
namespace {

struct Thing {
  IpcOwnership owner;
  int64_t size = 0;
  std::string creator;
};

const IpcOwnership& OwnerOf(const Thing& thing) { return thing.owner; }

TEST(ObjectFamilies, IdentityModeAndIdleTime) {
  const ObjectIdentity identity = IdentityOf(0xdeadbeef, 32769);
  EXPECT_EQ(identity.key, "0xdeadbeef");
  EXPECT_EQ(identity.id, "32769");
  EXPECT_EQ(IdentityOf(0, 0).key, "0x00000000");
  EXPECT_EQ(FormatMode(01640), "0640");  // permission bits only, as ipcs shows them
  EXPECT_EQ(IdleSeconds(100, 40), 60);
  EXPECT_EQ(IdleSeconds(100, 0), 0);    // never
  EXPECT_EQ(IdleSeconds(100, 140), 0);  // clock skew
}

TEST(ObjectFamilies, InfoCarriesTheCreatorCommandOnlyWhenAsked) {
  std::vector<Thing> things(2);
  things[0].owner.uid = 1000;
  things[0].owner.gid = 100;
  things[0].owner.cuid = 0;
  things[0].owner.cgid = 0;
  things[0].owner.perms = 0600;
  things[0].creator = "postgres";
  things[1].owner.perms = 0644;
  const std::vector<ObjectIdentity> identities = {IdentityOf(1, 10), IdentityOf(2, 20)};
  testing::FakeAccountNames names;
  std::string text;
  ExpositionWriter out(&text);
  WriteOwnershipInfo<Thing>(out, "ipc_thing_info", "Things.", "thingid", things, identities, names,
                            OwnerOf);
  WriteOwnershipInfo<Thing>(out, "ipc_thing_creator_info", "Things.", "thingid", things, identities,
                            names, OwnerOf,
                            [](const Thing& t) -> std::string_view { return t.creator; });
  const std::vector<testing::ParsedSample> samples = testing::ParseExposition(text);
  const std::vector<testing::ParsedSample> plain =
      testing::FindSamples(samples, "ipc_thing_info", {{"thingid", "10"}});
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].labels.size(), 9u);
  EXPECT_EQ(plain[0].labels.count("creator_command"), 0u);
  EXPECT_EQ(plain[0].labels.at("key"), "0x00000001");
  EXPECT_EQ(plain[0].labels.at("uid"), "1000");
  EXPECT_EQ(plain[0].labels.at("user"), names.UserName(1000));
  EXPECT_EQ(plain[0].labels.at("mode"), "0600");
  const std::vector<testing::ParsedSample> named =
      testing::FindSamples(samples, "ipc_thing_creator_info", {{"thingid", "10"}});
  ASSERT_EQ(named.size(), 1u);
  EXPECT_EQ(named[0].labels.size(), 10u);
  EXPECT_EQ(named[0].labels.at("creator_command"), "postgres");
  EXPECT_EQ(named[0].value, "1");
}

TEST(ObjectFamilies, SingleGaugeIsLeftOutWhenUnknown) {
  std::string text;
  ExpositionWriter out(&text);
  WriteSingleGauge(out, "ipc_unknown", "Unknown.", std::optional<uint64_t>());
  WriteSingleGauge(out, "ipc_known", "Known.", std::optional<uint64_t>(3));
  EXPECT_EQ(text, "# HELP ipc_known Known.\n# TYPE ipc_known gauge\nipc_known 3\n");
}

}  // namespace
}  // namespace ipc_exporter
