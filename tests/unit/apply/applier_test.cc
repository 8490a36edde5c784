// Applier (kube-runtime.md §3.3, checklist §10.11): one write per change, none when the live
// resourceVersion and the desired object are what was last applied.

#include "operator/apply/applier.h"

#include <gtest/gtest.h>

#include "operator/queue/fake_clock.h"
#include "tests/unit/apply/fake_api_client.h"

namespace cop::apply {
namespace {

using testing::configMapResource;
using testing::FakeApiClient;

const client::ApplyOptions kOptions{"apply-test"};

nlohmann::json configMap(const std::string& name, const std::string& value) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}}},
          {"data", {{"k", value}}}};
}

class ApplierTest : public ::testing::Test {
 protected:
  // The live resourceVersion, as the caller's informer would have it.
  std::string liveRv(const std::string& name) {
    return api_.stored(configMapResource(), "ns", name)["metadata"]["resourceVersion"];
  }
  Expected<ApplyOutcome, client::ApiError> apply(const nlohmann::json& desired,
                                                 const std::string& rv,
                                                 const client::ApplyOptions& options = kOptions) {
    return applier_.apply(configMapResource(), "ns", desired, rv, options);
  }

  queue::FakeClock clock_;
  FakeApiClient api_;
  ApplyCache cache_{kApplyCacheCapacity, kApplyCacheTtl, &clock_};
  Applier applier_{api_, cache_};
};

TEST_F(ApplierTest, SkipsAnUnchangedObjectAtTheSameResourceVersion) {
  auto first = apply(configMap("a", "1"), "");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->action, ApplyAction::Applied);
  ASSERT_TRUE(first->object.has_value());
  EXPECT_EQ(first->resourceVersion, liveRv("a"));

  auto second = apply(configMap("a", "1"), liveRv("a"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->action, ApplyAction::Skipped);
  EXPECT_EQ(second->resourceVersion, liveRv("a"));
  EXPECT_FALSE(second->object.has_value());
  EXPECT_EQ(api_.applies(), 1);
  EXPECT_EQ(applier_.applied(), 1u);
  EXPECT_EQ(applier_.skipped(), 1u);
}

TEST_F(ApplierTest, AChangedDesiredObjectIsApplied) {
  ASSERT_TRUE(apply(configMap("a", "1"), ""));
  auto changed = apply(configMap("a", "2"), liveRv("a"));
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->action, ApplyAction::Applied);
  EXPECT_EQ(api_.stored(configMapResource(), "ns", "a")["data"]["k"], "2");
  EXPECT_EQ(api_.applies(), 2);
  // ... and the new state is remembered.
  EXPECT_EQ(apply(configMap("a", "2"), liveRv("a"))->action, ApplyAction::Skipped);
}

TEST_F(ApplierTest, AForeignEditIsRevertedByTheNextApply) {
  ASSERT_TRUE(apply(configMap("a", "1"), ""));
  ASSERT_TRUE(api_.mergePatch(configMapResource(), "ns", "a", {{"data", {{"k", "edited"}}}}, ""));
  auto again = apply(configMap("a", "1"), liveRv("a"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->action, ApplyAction::Applied);
  EXPECT_EQ(api_.stored(configMapResource(), "ns", "a")["data"]["k"], "1");
}

TEST_F(ApplierTest, AnUnknownLiveVersionOrAnotherManagerApplies) {
  ASSERT_TRUE(apply(configMap("a", "1"), ""));
  EXPECT_EQ(apply(configMap("a", "1"), "")->action, ApplyAction::Applied);
  EXPECT_EQ(apply(configMap("a", "1"), liveRv("a"), {"another-manager"})->action,
            ApplyAction::Applied);
}

TEST_F(ApplierTest, TtlExpiryReapplies) {
  ASSERT_TRUE(apply(configMap("a", "1"), ""));
  clock_.advance(kApplyCacheTtl);
  EXPECT_EQ(apply(configMap("a", "1"), liveRv("a"))->action, ApplyAction::Applied);
  EXPECT_EQ(api_.applies(), 2);
  EXPECT_EQ(apply(configMap("a", "1"), liveRv("a"))->action, ApplyAction::Skipped);
}

TEST_F(ApplierTest, DryRunIsNeverSkippedNorRemembered) {
  client::ApplyOptions dryRun = kOptions;
  dryRun.dryRun = true;
  ASSERT_TRUE(apply(configMap("a", "1"), ""));
  EXPECT_EQ(apply(configMap("a", "1"), liveRv("a"), dryRun)->action, ApplyAction::Applied);
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(ApplierTest, AFailedApplyForgetsTheObject) {
  ASSERT_TRUE(apply(configMap("a", "1"), ""));
  const std::string rv = liveRv("a");
  api_.failNextApply(testing::serverError());
  auto failed = apply(configMap("a", "2"), rv);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, client::ApiErrorKind::InternalError);
  EXPECT_EQ(applier_.applied(), 1u);
  // The server's state is unknown after a failure (a 500 may follow a write), so even the
  // previously applied object is applied again rather than trusted.
  EXPECT_EQ(cache_.size(), 0u);
  EXPECT_EQ(apply(configMap("a", "1"), rv)->action, ApplyAction::Applied);
}

}  // namespace
}  // namespace cop::apply
