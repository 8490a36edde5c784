#include "operator/cache/object_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "operator/common/text.h"

namespace cop::cache {
namespace {

nlohmann::json object(const std::string& nameSpace, const std::string& name,
                      nlohmann::json labels = nlohmann::json::object(),
                      std::vector<std::string> ownerUids = {}, const std::string& rv = "1") {
  nlohmann::json metadata{{"name", name}, {"resourceVersion", rv}, {"labels", labels}};
  if (!nameSpace.empty()) {
    metadata["namespace"] = nameSpace;
  }
  for (const std::string& uid : ownerUids) {
    metadata["ownerReferences"].push_back({{"kind", "ComposeStack"}, {"uid", uid}});
  }
  metadata["managedFields"] = nlohmann::json::array(
      {{{"manager", "kubectl"}, {"operation", "Apply"}, {"fieldsV1", {{"f:data", {}}}}}});
  return {{"kind", "ConfigMap"}, {"metadata", metadata}};
}

std::vector<std::string> names(const std::vector<ObjectPtr>& objects) {
  std::vector<std::string> out;
  for (const ObjectPtr& o : objects) {
    out.push_back(objectKey(*o));
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ObjectStoreTest, KeysAreNamespaceSlashName) {
  EXPECT_EQ(objectKey(object("ns", "a")), "ns/a");
  EXPECT_EQ(objectKey(object("", "node-1")), "node-1");
  EXPECT_EQ(objectKey(nlohmann::json::object()), "");
  ObjectStore store;
  EXPECT_FALSE(store.apply({{"metadata", {{"namespace", "x"}}}}));  // no name: not cached
  EXPECT_EQ(store.size(), 0u);
}

TEST(ObjectStoreTest, StripsManagedFieldsOnInsert) {
  ObjectStore store;
  (void)store.apply(object("ns", "a"));
  const ObjectPtr cached = store.get("ns/a");
  ASSERT_TRUE(cached);
  EXPECT_FALSE(cached->at("metadata").contains("managedFields"));
  EXPECT_EQ(cached->at("metadata").at("resourceVersion"), "1");
  (void)store.replace({object("ns", "b")});
  EXPECT_FALSE(store.get("ns/b")->at("metadata").contains("managedFields"));
}

TEST(ObjectStoreTest, IndexesByNamespaceOwnerAndLabel) {
  ObjectStore store;
  (void)store.apply(object("ns1", "a", {{"app", "web"}}, {"uid-1"}));
  (void)store.apply(object("ns1", "b", {{"app", "db"}}, {"uid-1", "uid-2"}));
  (void)store.apply(object("ns2", "a", {{"app", "web"}}, {"uid-2"}));
  (void)store.apply(object("", "cluster", {{"app", "web"}}));
  EXPECT_EQ(names(store.byNamespace("ns1")), (std::vector<std::string>{"ns1/a", "ns1/b"}));
  EXPECT_EQ(names(store.byNamespace("")), std::vector<std::string>{"cluster"});
  EXPECT_EQ(names(store.byOwnerUid("uid-1")), (std::vector<std::string>{"ns1/a", "ns1/b"}));
  EXPECT_EQ(names(store.byOwnerUid("uid-2")), (std::vector<std::string>{"ns1/b", "ns2/a"}));
  EXPECT_EQ(names(store.byLabel("app", "web")),
            (std::vector<std::string>{"cluster", "ns1/a", "ns2/a"}));
  EXPECT_TRUE(store.byLabel("app", "none").empty());

  // An update moves the object between index entries.
  const auto update = store.apply(object("ns1", "a", {{"app", "db"}}, {"uid-3"}, "2"));
  ASSERT_TRUE(update);
  EXPECT_EQ(update->type, StoreEvent::Type::Updated);
  EXPECT_EQ(update->previous->at("metadata").at("resourceVersion"), "1");
  EXPECT_EQ(names(store.byLabel("app", "web")), (std::vector<std::string>{"cluster", "ns2/a"}));
  EXPECT_EQ(names(store.byLabel("app", "db")), (std::vector<std::string>{"ns1/a", "ns1/b"}));
  EXPECT_EQ(names(store.byOwnerUid("uid-1")), std::vector<std::string>{"ns1/b"});
  EXPECT_EQ(names(store.byOwnerUid("uid-3")), std::vector<std::string>{"ns1/a"});

  // A delete leaves no index entry behind.
  const auto removed = store.remove(object("ns1", "b"));
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->type, StoreEvent::Type::Deleted);
  EXPECT_TRUE(store.byOwnerUid("uid-1").empty());
  EXPECT_EQ(names(store.byNamespace("ns1")), std::vector<std::string>{"ns1/a"});
  EXPECT_FALSE(store.remove(object("ns1", "b")));  // already gone: no event
}

TEST(ObjectStoreTest, DuplicateOwnerReferencesAreHarmless) {
  ObjectStore store;
  (void)store.apply(object("ns", "a", {}, {"u", "u"}));
  EXPECT_EQ(store.byOwnerUid("u").size(), 1u);
  (void)store.remove(object("ns", "a"));
  EXPECT_TRUE(store.byOwnerUid("u").empty());
}

// §2.1/§2.2/§9 (javascript#494): a relist replaces; objects deleted while disconnected go,
// each with a delete event carrying its last known state.
TEST(ObjectStoreTest, ReplaceDeletesWhatTheListLacks) {
  ObjectStore store;
  (void)store.apply(object("ns", "keep", {{"app", "web"}}));
  (void)store.apply(object("ns", "gone", {{"app", "web"}}, {"uid-1"}, "7"));
  const std::vector<StoreEvent> events =
      store.replace({object("ns", "keep", {{"app", "web"}}, {}, "2"), object("ns", "new")});
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, StoreEvent::Type::Updated);
  EXPECT_EQ(events[0].key, "ns/keep");
  EXPECT_EQ(events[1].type, StoreEvent::Type::Added);
  EXPECT_EQ(events[1].key, "ns/new");
  EXPECT_EQ(events[2].type, StoreEvent::Type::Deleted);
  EXPECT_EQ(events[2].key, "ns/gone");
  EXPECT_EQ(events[2].object->at("metadata").at("resourceVersion"), "7");
  EXPECT_EQ(store.size(), 2u);
  EXPECT_FALSE(store.get("ns/gone"));
  EXPECT_TRUE(store.byOwnerUid("uid-1").empty());
  EXPECT_EQ(names(store.list()), (std::vector<std::string>{"ns/keep", "ns/new"}));
  EXPECT_EQ(store.replace({}).size(), 2u);
  EXPECT_EQ(store.size(), 0u);
}

TEST(ObjectStoreTest, ReadersKeepTheirObjectAcrossUpdates) {
  ObjectStore store;
  (void)store.apply(object("ns", "a", {}, {}, "1"));
  const ObjectPtr before = store.get("ns/a");
  (void)store.apply(object("ns", "a", {}, {}, "2"));
  EXPECT_EQ(before->at("metadata").at("resourceVersion"), "1");
  EXPECT_EQ(store.get("ns/a")->at("metadata").at("resourceVersion"), "2");
}

TEST(ObjectStoreTest, ConcurrentWritersAndReaders) {
  ObjectStore store;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string ns = concat("ns", std::to_string(t));
        const std::string name = concat("o", std::to_string(i));
        (void)store.apply(object(ns, name, {{"app", "web"}}));
        (void)store.byLabel("app", "web");
        if (i % 2 == 0) {
          (void)store.remove(object(ns, name));
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(store.size(), 400u);
  EXPECT_EQ(store.byLabel("app", "web").size(), 400u);
}

}  // namespace
}  // namespace cop::cache
