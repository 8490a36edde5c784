// prune (kube-runtime.md §3.4, checklist §10.13): deletes only undesired objects we control;
// another tool's labelled objects and another owner's children are never touched.

#include "operator/apply/pruner.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/apply/fake_api_client.h"

namespace cop::apply {
namespace {

using testing::configMapResource;
using testing::FakeApiClient;

constexpr const char* kSelector = "app.kubernetes.io/managed-by=compose-operator";
constexpr const char* kOwnerUid = "owner-uid";

nlohmann::json child(const std::string& name, nlohmann::json ownerReferences,
                     bool labelled = true) {
  nlohmann::json object = {
      {"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}};
  if (labelled) {
    object["metadata"]["labels"] = {{"app.kubernetes.io/managed-by", "compose-operator"}};
  }
  if (!ownerReferences.is_null()) {
    object["metadata"]["ownerReferences"] = std::move(ownerReferences);
  }
  return object;
}

nlohmann::json controllerRef(const std::string& uid, bool controller = true) {
  return nlohmann::json::array({{{"apiVersion", "v1"},
                                 {"kind", "ConfigMap"},
                                 {"name", "owner"},
                                 {"uid", uid},
                                 {"controller", controller},
                                 {"blockOwnerDeletion", true}}});
}

ObjectRef ref(const std::string& name) {
  return {"", "ConfigMap", "ns", name};
}

std::vector<std::string> names(const std::vector<ObjectRef>& refs) {
  std::vector<std::string> out;
  for (const ObjectRef& r : refs) {
    out.push_back(r.name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const KeptObject* kept(const PruneResult& result, const std::string& name) {
  for (const KeptObject& k : result.kept) {
    if (k.ref.name == name) {
      return &k;
    }
  }
  return nullptr;
}

class PrunerTest : public ::testing::Test {
 protected:
  PruneRequest request(std::set<ObjectRef> desired) {
    PruneRequest r;
    r.kinds = {configMapResource()};
    r.nameSpace = "ns";
    r.labelSelector = kSelector;
    r.ownerUid = kOwnerUid;
    r.desired = std::move(desired);
    return r;
  }
  bool exists(const std::string& name) {
    return !api_.stored(configMapResource(), "ns", name).is_null();
  }
  FakeApiClient api_;
};

TEST_F(PrunerTest, DeletesOnlyUndesiredObjectsWeControl) {
  api_.put(configMapResource(), "ns", child("keep", controllerRef(kOwnerUid)));
  api_.put(configMapResource(), "ns", child("gone-1", controllerRef(kOwnerUid)));
  api_.put(configMapResource(), "ns", child("gone-2", controllerRef(kOwnerUid)));
  api_.put(configMapResource(), "ns", child("foreign", nullptr));  // our label, no owner
  api_.put(configMapResource(), "ns", child("other-owner", controllerRef("other-uid")));
  api_.put(configMapResource(), "ns", child("not-controller", controllerRef(kOwnerUid, false)));
  api_.put(configMapResource(), "ns", child("unlabelled", controllerRef(kOwnerUid), false));
  api_.put(configMapResource(), "other-ns", child("elsewhere", controllerRef(kOwnerUid)));

  ApplyCache cache;
  cache.remember(ref("gone-1"), "1", "h");
  PruneRequest req = request({ref("keep")});
  req.cache = &cache;
  auto result = prune(api_, req);
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(names(result->deleted), (std::vector<std::string>{"gone-1", "gone-2"}));
  EXPECT_EQ(api_.removes(), 2);
  EXPECT_FALSE(exists("gone-1"));
  EXPECT_FALSE(exists("gone-2"));
  EXPECT_EQ(cache.size(), 0u);  // a deleted object is applied again if it comes back

  ASSERT_NE(kept(*result, "keep"), nullptr);
  EXPECT_EQ(kept(*result, "keep")->reason, KeepReason::Desired);
  for (const char* name : {"foreign", "other-owner", "not-controller"}) {
    ASSERT_NE(kept(*result, name), nullptr) << name;
    EXPECT_EQ(kept(*result, name)->reason, KeepReason::NotControlled) << name;
    EXPECT_TRUE(exists(name)) << name;
  }
  // Outside the selector or the namespace: not even looked at.
  EXPECT_EQ(kept(*result, "unlabelled"), nullptr);
  EXPECT_TRUE(exists("unlabelled"));
  EXPECT_FALSE(api_.stored(configMapResource(), "other-ns", "elsewhere").is_null());
  EXPECT_EQ(result->kept.size(), 4u);
}

TEST_F(PrunerTest, NotFoundOnDeleteCountsAsDone) {
  api_.put(configMapResource(), "ns", child("racing", controllerRef(kOwnerUid)));
  api_.vanishBeforeDelete("racing");
  auto result = prune(api_, request({}));
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(names(result->deleted), (std::vector<std::string>{"racing"}));
}

TEST_F(PrunerTest, AnObjectReplacedAfterTheListIsKept) {
  // The delete carries the listed object's UID as a precondition, so a new object under the
  // same name (created by anyone after the list) is not removed.
  api_.put(configMapResource(), "ns", child("replaced", controllerRef(kOwnerUid)));
  api_.replaceBeforeDelete("replaced");
  auto result = prune(api_, request({}));
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_TRUE(result->deleted.empty());
  ASSERT_NE(kept(*result, "replaced"), nullptr);
  EXPECT_EQ(kept(*result, "replaced")->reason, KeepReason::Changed);
  EXPECT_TRUE(exists("replaced"));
}

TEST_F(PrunerTest, RefusesAnEmptySelectorOrOwner) {
  PruneRequest noSelector = request({});
  noSelector.labelSelector.clear();
  auto a = prune(api_, noSelector);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().kind, client::ApiErrorKind::BadRequest);
  PruneRequest noOwner = request({});
  noOwner.ownerUid.clear();
  EXPECT_FALSE(prune(api_, noOwner));
  EXPECT_EQ(api_.removes(), 0);
}

TEST(IsControlledBy, NeedsABooleanControllerTrueWithTheUid) {
  const auto object = [](nlohmann::json refs) {
    return nlohmann::json{{"metadata", {{"ownerReferences", std::move(refs)}}}};
  };
  EXPECT_TRUE(isControlledBy(object(controllerRef("u")), "u"));
  EXPECT_FALSE(isControlledBy(object(controllerRef("u")), "v"));
  EXPECT_FALSE(isControlledBy(object(controllerRef("u", false)), "u"));
  EXPECT_FALSE(isControlledBy(object(nlohmann::json::array({{{"uid", "u"}}})), "u"));
  EXPECT_FALSE(
      isControlledBy(object(nlohmann::json::array({{{"uid", "u"}, {"controller", "true"}}})), "u"));
  EXPECT_FALSE(isControlledBy(object("not-a-list"), "u"));
  EXPECT_FALSE(isControlledBy(nlohmann::json::object(), "u"));
  EXPECT_FALSE(isControlledBy(object(controllerRef("")), ""));
}

}  // namespace
}  // namespace cop::apply
