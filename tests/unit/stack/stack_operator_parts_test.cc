// The operator's small parts: which stacks read a Secret or ConfigMap (SourceIndex), who owns
// a live object (never take over someone else's), and the run command's flags.

#include <gtest/gtest.h>

#include "operator/cli/run_options.h"
#include "operator/stack/ownership.h"
#include "operator/stack/source_index.h"

namespace cop::stack {
namespace {

using Json = nlohmann::json;

cache::ObjectPtr stackObject(const std::string& name, Json spec) {
  return std::make_shared<const Json>(
      Json{{"metadata", {{"name", name}, {"namespace", "shop"}}}, {"spec", std::move(spec)}});
}

TEST(SourceIndex, MapsSourcesToTheStacksThatReadThem) {
  SourceIndex index;
  index.onAdd(stackObject("a", {{"compose", "x"},
                                {"variablesFrom", {{{"secretRef", {{"name", "creds"}}}}}}}),
              true);
  index.onAdd(
      stackObject("b", {{"composeFrom", {{"configMapKeyRef", {{"name", "app"}, {"key", "k"}}}}},
                        {"variablesFrom", {{{"secretRef", {{"name", "creds"}}}}}}}),
      true);
  EXPECT_EQ(index.stacksReading(SourceKind::kSecret, "shop", "creds"),
            (std::vector<reconcile::Request>{{"shop", "a"}, {"shop", "b"}}));
  EXPECT_EQ(index.stacksReading(SourceKind::kConfigMap, "shop", "app"),
            (std::vector<reconcile::Request>{{"shop", "b"}}));
  // Same name, other kind or namespace: nobody.
  EXPECT_TRUE(index.stacksReading(SourceKind::kConfigMap, "shop", "creds").empty());
  EXPECT_TRUE(index.stacksReading(SourceKind::kSecret, "other", "creds").empty());
  // An update drops the old references; a delete drops all.
  index.onUpdate(nullptr, stackObject("a", {{"compose", "x"}}));
  EXPECT_EQ(index.stacksReading(SourceKind::kSecret, "shop", "creds"),
            (std::vector<reconcile::Request>{{"shop", "b"}}));
  index.onDelete(stackObject("b", {}));
  EXPECT_TRUE(index.stacksReading(SourceKind::kSecret, "shop", "creds").empty());
  EXPECT_TRUE(index.stacksReading(SourceKind::kConfigMap, "shop", "app").empty());
}

const StackOwner kOwner{"blog", "shop", "uid-1", VolumeRetention::kRetain};

Json live(Json metadata) {
  return Json{{"metadata", std::move(metadata)}};
}

TEST(Ownership, ControlledByTheStackIsOurs) {
  EXPECT_EQ(
      ownershipOf(live({{"ownerReferences", {ownerReference(kOwner)}}}), "Deployment", kOwner),
      Ownership::kOurs);
  StackOwner other = kOwner;
  other.uid = "uid-2";
  EXPECT_EQ(ownershipOf(live({{"ownerReferences", {ownerReference(other)}}}), "Deployment", kOwner),
            Ownership::kForeign);
  EXPECT_EQ(ownershipOf(live(Json::object()), "Deployment", kOwner), Ownership::kForeign);
}

TEST(Ownership, ARetainedClaimIsOursByItsLabelsOnly) {
  const Json labels = {{"compose.operator.dev/stack", "blog"},
                       {"app.kubernetes.io/managed-by", "compose-operator"}};
  EXPECT_EQ(ownershipOf(live({{"labels", labels}}), "PersistentVolumeClaim", kOwner),
            Ownership::kOurs);
  // The same labels on another kind, or on a claim of another stack, are not enough.
  EXPECT_EQ(ownershipOf(live({{"labels", labels}}), "Deployment", kOwner), Ownership::kForeign);
  Json otherStack = labels;
  otherStack["compose.operator.dev/stack"] = "shop";
  EXPECT_EQ(ownershipOf(live({{"labels", otherStack}}), "PersistentVolumeClaim", kOwner),
            Ownership::kForeign);
}

TEST(Ownership, RetainedClaimsCarryNoOwnerReference) {
  nlohmann::ordered_json claim = {{"kind", "PersistentVolumeClaim"}, {"metadata", {{"name", "d"}}}};
  setOwner(claim, kOwner);
  EXPECT_FALSE(claim["metadata"].contains("ownerReferences"));
  StackOwner deleting = kOwner;
  deleting.retention = VolumeRetention::kDelete;
  setOwner(claim, deleting);
  ASSERT_TRUE(claim["metadata"].contains("ownerReferences"));
  EXPECT_EQ(claim["metadata"]["ownerReferences"][0]["controller"], true);
  nlohmann::ordered_json deployment = {{"kind", "Deployment"}, {"metadata", {{"name", "d"}}}};
  setOwner(deployment, kOwner);
  EXPECT_EQ(deployment["metadata"]["ownerReferences"][0]["uid"], "uid-1");
}

}  // namespace
}  // namespace cop::stack

namespace cop::cli {
namespace {

TEST(RunOptions, KubebuilderFlagNamesAndDefaults) {
  auto options = parseRunOptions({});
  ASSERT_TRUE(options);
  EXPECT_EQ(options->metricsBindAddress, ":8080");
  EXPECT_EQ(options->probeBindAddress, ":8081");
  EXPECT_FALSE(options->leaderElect);
  EXPECT_TRUE(options->namespaces.empty());
  options = parseRunOptions({"--kubeconfig", "k", "--metrics-bind-address=:9090",
                             "--health-probe-bind-address", ":9091", "--leader-elect",
                             "--leader-election-namespace=ops", "--leader-election-id", "lock",
                             "--namespaces=b,a,b", "--watch-label-selector", "shard=1",
                             "--workers=8", "--log-level=debug"});
  ASSERT_TRUE(options) << options.error();
  EXPECT_EQ(options->kubeconfig, "k");
  EXPECT_EQ(options->metricsBindAddress, ":9090");
  EXPECT_EQ(options->probeBindAddress, ":9091");
  EXPECT_TRUE(options->leaderElect);
  EXPECT_EQ(options->leaderElectionNamespace, "ops");
  EXPECT_EQ(options->leaderElectionId, "lock");
  EXPECT_EQ(options->namespaces, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(options->watchLabelSelector, "shard=1");
  EXPECT_EQ(options->workers, 8u);
  EXPECT_EQ(options->logLevel, "debug");
  EXPECT_FALSE(parseRunOptions({"--leader-elect=false"})->leaderElect);
}

TEST(RunOptions, ErrorsNameTheFlag) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--workers=0"},
                                             {"--workers", "x"},
                                             {"--namespaces=Bad_NS"},
                                             {"--leader-elect=maybe"},
                                             {"--kubeconfig"},
                                             {"--unknown"},
                                             {"positional"}}) {
    auto options = parseRunOptions(args);
    ASSERT_FALSE(options) << args[0];
    EXPECT_FALSE(options.error().empty());
  }
  EXPECT_NE(parseRunOptions({"--workers=0"}).error().find("--workers"), std::string::npos);
}

}  // namespace
}  // namespace cop::cli
