#include "bpf/object_map_snapshot.h"

#include <gtest/gtest.h>

namespace ipc_exporter {
namespace {

ObjectActivity Object(uint32_t inode, int32_t id, uint64_t operations) {
  ObjectActivity object;
  object.key.ipc_namespace = inode;
  object.key.kind = ACTIVITY_SEM;
  object.key.id = id;
  object.counters.calls[0] = operations;
  return object;
}

/// A snapshot read in collection 7 holding two objects of namespace 1 and one of namespace 2.
ObjectMapSnapshot Filled() {
  ObjectMapSnapshot snapshot;
  std::vector<ObjectActivity>& entries = snapshot.Renew(7);
  entries = {Object(1, 10, 5), Object(2, 20, 7), Object(1, 11, 9)};
  return snapshot;
}

std::vector<int32_t> Ids(const std::vector<ObjectActivity>& objects) {
  std::vector<int32_t> ids;
  for (const ObjectActivity& object : objects) ids.push_back(object.key.id);
  return ids;
}

TEST(ObjectMapSnapshot, ServesNothingBeforeItsFirstRead) {
  ObjectMapSnapshot snapshot;
  EXPECT_FALSE(snapshot.Serves(1, 1));
}

TEST(ObjectMapSnapshot, GivesEachNamespaceItsOwnObjectsOnly) {
  ObjectMapSnapshot snapshot = Filled();
  std::vector<ObjectActivity> objects = {Object(9, 99, 1)};  // emptied first
  snapshot.CopyNamespace(1, &objects);
  EXPECT_EQ(Ids(objects), (std::vector<int32_t>{10, 11}));
  EXPECT_EQ(objects[1].counters.calls[0], 9u);
  snapshot.CopyNamespace(2, &objects);
  EXPECT_EQ(Ids(objects), (std::vector<int32_t>{20}));
  snapshot.CopyNamespace(3, &objects);
  EXPECT_TRUE(objects.empty());
}

// The other namespaces of the same collection share its read, each once; a read of an earlier
// collection serves no one (the calls since would be missing).
TEST(ObjectMapSnapshot, ServesEveryNamespaceOfItsCollectionOnce) {
  ObjectMapSnapshot snapshot = Filled();
  std::vector<ObjectActivity> objects;
  snapshot.CopyNamespace(1, &objects);  // the namespace whose collector read the map
  EXPECT_FALSE(snapshot.Serves(7, 1));
  EXPECT_TRUE(snapshot.Serves(7, 2));
  snapshot.CopyNamespace(2, &objects);
  EXPECT_FALSE(snapshot.Serves(7, 2));
  EXPECT_TRUE(snapshot.Serves(7, 3));
  EXPECT_FALSE(snapshot.Serves(8, 3));  // the next collection reads anew
  EXPECT_FALSE(snapshot.Serves(6, 3));
}

TEST(ObjectMapSnapshot, AnUnknownCollectionIsNeverServed) {
  ObjectMapSnapshot snapshot;
  snapshot.Renew(0).push_back(Object(1, 10, 5));
  EXPECT_FALSE(snapshot.Serves(0, 2));
}

TEST(ObjectMapSnapshot, ARenewedSnapshotServesEveryNamespaceAgain) {
  ObjectMapSnapshot snapshot = Filled();
  std::vector<ObjectActivity> objects;
  snapshot.CopyNamespace(1, &objects);
  snapshot.CopyNamespace(2, &objects);
  std::vector<ObjectActivity>& entries = snapshot.Renew(8);
  EXPECT_TRUE(entries.empty());
  entries.push_back(Object(2, 21, 3));
  EXPECT_TRUE(snapshot.Serves(8, 1));
  EXPECT_TRUE(snapshot.Serves(8, 2));
  snapshot.CopyNamespace(2, &objects);
  EXPECT_EQ(Ids(objects), (std::vector<int32_t>{21}));
}

// Objects the map forgot (removed, or of a namespace that ended) are served to no one.
TEST(ObjectMapSnapshot, DroppedObjectsAreNotServed) {
  ObjectMapSnapshot snapshot = Filled();
  activity_key dropped = Object(1, 11, 0).key;
  activity_key other_kind = dropped;
  other_kind.kind = ACTIVITY_MSG;  // the same id in another table stays
  snapshot.Drop({other_kind, dropped});
  std::vector<ObjectActivity> objects;
  snapshot.CopyNamespace(1, &objects);
  EXPECT_EQ(Ids(objects), (std::vector<int32_t>{10}));
}

}  // namespace
}  // namespace ipc_exporter
