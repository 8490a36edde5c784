#include "operator/client/discovery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cop::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Shaped as kube-apiserver 1.34 answers GET /apis with the aggregated Accept header (trimmed),
// with a CRD group whose preferred version comes first.
constexpr const char* kAggregated = R"({
  "kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {},
  "items": [
    {"metadata": {"name": "apps", "creationTimestamp": null}, "versions": [
      {"version": "v1", "freshness": "Current", "resources": [
        {"resource": "deployments", "responseKind": {"group": "apps", "version": "v1", "kind": "Deployment"},
         "scope": "Namespaced", "singularResource": "deployment", "shortNames": ["deploy"],
         "categories": ["all"],
         "verbs": ["create","delete","deletecollection","get","list","patch","update","watch"],
         "subresources": [
           {"subresource": "scale", "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"}, "verbs": ["get","patch","update"]},
           {"subresource": "status", "responseKind": {"group": "apps", "version": "v1", "kind": "Deployment"}, "verbs": ["get","patch","update"]}]}
      ]}]},
    {"metadata": {"name": "compose.example.io"}, "versions": [
      {"version": "v1beta1", "resources": [
        {"resource": "composestacks", "responseKind": {"group": "compose.example.io", "version": "v1beta1", "kind": "ComposeStack"},
         "scope": "Namespaced", "singularResource": "composestack", "verbs": ["get","list","watch","patch"],
         "subresources": [{"subresource": "status", "verbs": ["get","patch","update"]}]}]},
      {"version": "v1alpha1", "resources": [
        {"resource": "composestacks", "responseKind": {"kind": "ComposeStack"},
         "scope": "Namespaced", "verbs": ["get"]}]}]},
    {"metadata": {"name": "rbac.authorization.k8s.io"}, "versions": [
      {"version": "v1", "resources": [
        {"resource": "clusterroles", "responseKind": {"kind": "ClusterRole"}, "scope": "Cluster", "verbs": ["get"]},
        {"resource": "broken"},
        "not an object"]}]}
  ]})";

// GET /api/v1 (legacy discovery), trimmed.
constexpr const char* kCoreList = R"({
  "kind": "APIResourceList", "groupVersion": "v1",
  "resources": [
    {"name": "configmaps", "singularName": "configmap", "namespaced": true, "kind": "ConfigMap",
     "verbs": ["create","delete","deletecollection","get","list","patch","update","watch"], "shortNames": ["cm"]},
    {"name": "namespaces", "singularName": "namespace", "namespaced": false, "kind": "Namespace",
     "verbs": ["create","delete","get","list","patch","update","watch"], "shortNames": ["ns"]},
    {"name": "namespaces/finalize", "singularName": "", "namespaced": false, "kind": "Namespace", "verbs": ["update"]},
    {"name": "namespaces/status", "singularName": "", "namespaced": false, "kind": "Namespace", "verbs": ["get","patch","update"]},
    {"name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": ["get"]}
  ]})";

TEST(DiscoveryTest, AggregatedMapsKindToResourceAndBack) {
  ResourceMap map;
  ASSERT_TRUE(addAggregatedDiscovery(map, kAggregated));
  const ApiResource* deployment = map.forKind("apps", "v1", "Deployment");
  ASSERT_NE(deployment, nullptr);
  EXPECT_EQ(deployment->resource, "deployments");
  EXPECT_EQ(deployment->singular, "deployment");
  EXPECT_TRUE(deployment->namespaced);
  EXPECT_TRUE(deployment->hasVerb("patch"));
  EXPECT_TRUE(deployment->hasSubresource("status"));
  EXPECT_TRUE(deployment->hasSubresource("scale"));
  EXPECT_THAT(deployment->shortNames, ElementsAre("deploy"));
  EXPECT_EQ(deployment->groupVersion(), "apps/v1");
  EXPECT_EQ(map.forResource("apps", "v1", "deployments"), deployment);
  // The Scale kind of a subresource is not a kind of the group.
  EXPECT_EQ(map.forKind("autoscaling", "v1", "Scale"), nullptr);
}

TEST(DiscoveryTest, CrdsAndClusterScope) {
  ResourceMap map;
  ASSERT_TRUE(addAggregatedDiscovery(map, kAggregated));
  const ApiResource* stack = map.forKind("compose.example.io", "v1beta1", "ComposeStack");
  ASSERT_NE(stack, nullptr);
  EXPECT_EQ(stack->resource, "composestacks");
  EXPECT_TRUE(stack->hasSubresource("status"));
  EXPECT_FALSE(stack->hasVerb("create"));
  // Both versions are there; group+kind gives the first-listed (preferred) one.
  ASSERT_NE(map.forKind("compose.example.io", "v1alpha1", "ComposeStack"), nullptr);
  EXPECT_EQ(map.forGroupKind("compose.example.io", "ComposeStack"), stack);
  const ApiResource* role = map.forResource("rbac.authorization.k8s.io", "v1", "clusterroles");
  ASSERT_NE(role, nullptr);
  EXPECT_FALSE(role->namespaced);
  EXPECT_EQ(map.forResource("rbac.authorization.k8s.io", "v1", "broken"), nullptr);
  EXPECT_EQ(map.size(), 4u);  // deployments, two composestacks, clusterroles
}

TEST(DiscoveryTest, LegacyListWithSubresources) {
  ResourceMap map;
  ASSERT_TRUE(addResourceList(map, kCoreList));
  const ApiResource* ns = map.forKind("", "v1", "Namespace");
  ASSERT_NE(ns, nullptr);
  EXPECT_EQ(ns->resource, "namespaces");
  EXPECT_FALSE(ns->namespaced);
  EXPECT_EQ(ns->groupVersion(), "v1");
  EXPECT_THAT(ns->subresources, ElementsAre("finalize", "status"));
  const ApiResource* cm = map.forResource("", "v1", "configmaps");
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ(cm->kind, "ConfigMap");
  EXPECT_TRUE(cm->namespaced);
  // A subresource is never a resource of its own, and one without its parent is dropped.
  EXPECT_EQ(map.forResource("", "v1", "namespaces/status"), nullptr);
  EXPECT_EQ(map.forKind("", "v1", "Pod"), nullptr);
  EXPECT_EQ(map.size(), 2u);

  ResourceMap apps;
  ASSERT_TRUE(addResourceList(apps, R"({"kind":"APIResourceList","groupVersion":"apps/v1",
      "resources":[{"name":"statefulsets","namespaced":true,"kind":"StatefulSet","verbs":["get"]}]})"));
  ASSERT_NE(apps.forKind("apps", "v1", "StatefulSet"), nullptr);
  EXPECT_EQ(apps.forKind("apps", "v1", "StatefulSet")->resource, "statefulsets");
}

TEST(DiscoveryTest, BadDocumentsFailWithoutQuotingThem) {
  ResourceMap map;
  const Status notJson = addAggregatedDiscovery(map, "<html>SECRET-PAGE</html>");
  ASSERT_FALSE(notJson);
  EXPECT_THAT(notJson.error().message, Not(HasSubstr("SECRET")));
  EXPECT_FALSE(addAggregatedDiscovery(map, kCoreList));  // wrong kind
  EXPECT_FALSE(addResourceList(map, kAggregated));
  EXPECT_FALSE(addResourceList(map, R"({"kind":"APIResourceList","resources":[]})"));
  EXPECT_FALSE(addResourceList(map, "[]"));
  EXPECT_TRUE(map.empty());
}

TEST(DiscoveryTest, FirstEntryForAResourceStands) {
  ResourceMap map;
  ASSERT_TRUE(addResourceList(map, kCoreList));
  ASSERT_TRUE(addResourceList(map, R"({"kind":"APIResourceList","groupVersion":"v1",
      "resources":[{"name":"configmaps","namespaced":false,"kind":"Other","verbs":[]}]})"));
  EXPECT_EQ(map.forResource("", "v1", "configmaps")->kind, "ConfigMap");
  EXPECT_EQ(map.forKind("", "v1", "Other"), nullptr);
}

TEST(DiscoveryTest, BuiltinTableCoversWhatTheTranslatorEmits) {
  const ResourceMap map = builtinResourceMap();
  struct Want {
    const char* group;
    const char* kind;
    const char* resource;
    bool namespaced;
  };
  const Want wants[] = {
      {"", "ServiceAccount", "serviceaccounts", true},
      {"", "Secret", "secrets", true},
      {"", "ConfigMap", "configmaps", true},
      {"", "PersistentVolumeClaim", "persistentvolumeclaims", true},
      {"", "Service", "services", true},
      {"", "Namespace", "namespaces", false},
      {"apps", "Deployment", "deployments", true},
      {"apps", "DaemonSet", "daemonsets", true},
      {"apps", "StatefulSet", "statefulsets", true},
      {"batch", "Job", "jobs", true},
      {"networking.k8s.io", "NetworkPolicy", "networkpolicies", true},
      {"coordination.k8s.io", "Lease", "leases", true},
  };
  for (const Want& want : wants) {
    const ApiResource* resource = map.forGroupKind(want.group, want.kind);
    ASSERT_NE(resource, nullptr) << want.kind;
    EXPECT_EQ(resource->resource, want.resource);
    EXPECT_EQ(resource->namespaced, want.namespaced) << want.kind;
    EXPECT_EQ(map.forResource(want.group, "v1", want.resource), resource);
  }
  EXPECT_TRUE(map.forKind("apps", "v1", "Deployment")->hasSubresource("status"));
  EXPECT_FALSE(map.forKind("", "v1", "ConfigMap")->hasSubresource("status"));
}

}  // namespace
}  // namespace cop::client
