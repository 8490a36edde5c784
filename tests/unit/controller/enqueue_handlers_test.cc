// Informer events to work-queue keys (kube-runtime.md §2.5, checklist §10 item 10): an owned
// child's change reconciles its owner, matched on group and kind with the version ignored, only
// through the controller reference by default, and re-parenting reconciles both owners.

#include "operator/reconcile/enqueue_handlers.h"

#include <gtest/gtest.h>

namespace cop::reconcile {
namespace {

const OwnerKind kStack{"compose.operator.dev", "ComposeStack", true};

nlohmann::json ref(const std::string& apiVersion, const std::string& kind, const std::string& name,
                   bool controller) {
  return {{"apiVersion", apiVersion},
          {"kind", kind},
          {"name", name},
          {"uid", "u-" + name},
          {"controller", controller}};
}

cache::ObjectPtr child(std::vector<nlohmann::json> refs, const std::string& ns = "shop") {
  return std::make_shared<const nlohmann::json>(nlohmann::json{
      {"metadata", {{"name", "web"}, {"namespace", ns}, {"ownerReferences", refs}}}});
}

TEST(OwnerRequests, MatchGroupAndKindWhateverTheVersion) {
  const auto object = child({ref("compose.operator.dev/v1beta1", "ComposeStack", "a", true)});
  EXPECT_EQ(ownerRequests(*object, kStack, true), (std::vector<Request>{{"shop", "a"}}));
}

TEST(OwnerRequests, IgnoreOtherGroupsOtherKindsAndTheCoreGroupMismatch) {
  const auto object = child({ref("other.dev/v1alpha1", "ComposeStack", "a", true),
                             ref("compose.operator.dev/v1alpha1", "Other", "b", true),
                             ref("v1", "ComposeStack", "c", true)});
  EXPECT_TRUE(ownerRequests(*object, kStack, true).empty());
  const OwnerKind core{"", "ComposeStack", true};
  EXPECT_EQ(ownerRequests(*object, core, true), (std::vector<Request>{{"shop", "c"}}));
}

TEST(OwnerRequests, OnlyTheControllerReferenceUnlessEveryOwnerIsAskedFor) {
  const auto object = child({ref("compose.operator.dev/v1alpha1", "ComposeStack", "a", false),
                             ref("compose.operator.dev/v1alpha1", "ComposeStack", "b", true)});
  EXPECT_EQ(ownerRequests(*object, kStack, true), (std::vector<Request>{{"shop", "b"}}));
  EXPECT_EQ(ownerRequests(*object, kStack, false),
            (std::vector<Request>{{"shop", "a"}, {"shop", "b"}}));
}

TEST(OwnerRequests, AClusterScopedOwnerHasNoNamespace) {
  const auto object = child({ref("compose.operator.dev/v1alpha1", "ComposeStack", "a", true)});
  const OwnerKind clusterScoped{"compose.operator.dev", "ComposeStack", false};
  EXPECT_EQ(ownerRequests(*object, clusterScoped, true), (std::vector<Request>{{"", "a"}}));
}

TEST(OwnerRequests, MalformedReferencesAreSkipped) {
  const auto object = std::make_shared<const nlohmann::json>(
      nlohmann::json{{"metadata",
                      {{"name", "web"},
                       {"namespace", "shop"},
                       {"ownerReferences",
                        {42,
                         {{"kind", "ComposeStack"}, {"controller", true}},
                         {{"apiVersion", "compose.operator.dev/v1"},
                          {"kind", "ComposeStack"},
                          {"controller", "yes"},
                          {"name", "x"}}}}}}});
  EXPECT_TRUE(ownerRequests(*object, kStack, true).empty());
  EXPECT_TRUE(ownerRequests(nlohmann::json("not an object"), kStack, true).empty());
}

TEST(EnqueueOwner, ReparentingEnqueuesTheOldAndTheNewOwner) {
  std::vector<Request> queued;
  EnqueueOwner handler(kStack, true, [&](const Request& r) { queued.push_back(r); });
  const auto before = child({ref("compose.operator.dev/v1alpha1", "ComposeStack", "old", true)});
  const auto after = child({ref("compose.operator.dev/v1alpha1", "ComposeStack", "new", true)});
  handler.onUpdate(before, after);
  EXPECT_EQ(queued, (std::vector<Request>{{"shop", "old"}, {"shop", "new"}}));
  queued.clear();
  handler.onDelete(after);
  handler.onAdd(after, true);
  EXPECT_EQ(queued, (std::vector<Request>{{"shop", "new"}, {"shop", "new"}}));
}

TEST(EnqueueObject, EnqueuesTheObjectsOwnKey) {
  std::vector<Request> queued;
  EnqueueObject handler([&](const Request& r) { queued.push_back(r); });
  const auto object = child({});
  handler.onAdd(object, false);
  handler.onUpdate(object, object);
  handler.onDelete(object);
  handler.onAdd(std::make_shared<const nlohmann::json>(nlohmann::json{{"metadata", {}}}), false);
  EXPECT_EQ(queued, (std::vector<Request>(3, Request{"shop", "web"})));
}

TEST(EnqueueMapped, MapsTheOldAndTheNewObjectOfAnUpdate) {
  std::vector<Request> queued;
  // Maps an object to the stack its label names (as pods are mapped to their stack).
  EnqueueMapped handler(
      [](const nlohmann::json& object) {
        std::vector<Request> out;
        const auto& labels = object["metadata"].value("labels", nlohmann::json::object());
        if (labels.contains("stack")) {
          out.push_back({object["metadata"]["namespace"], labels["stack"]});
        }
        return out;
      },
      [&](const Request& r) { queued.push_back(r); });
  auto labelled = [](const std::string& stack) {
    nlohmann::json object = {{"metadata", {{"name", "p"}, {"namespace", "shop"}}}};
    if (!stack.empty()) {
      object["metadata"]["labels"] = {{"stack", stack}};
    }
    return std::make_shared<const nlohmann::json>(object);
  };
  handler.onAdd(labelled("a"), false);
  handler.onUpdate(labelled("a"), labelled("b"));
  handler.onDelete(labelled(""));
  EXPECT_EQ(queued, (std::vector<Request>{{"shop", "a"}, {"shop", "a"}, {"shop", "b"}}));
}

}  // namespace
}  // namespace cop::reconcile
