// Discovery fetched from a server (discovery_client.h): the requests RestClient::getRaw sends,
// aggregated discovery, the legacy walk over group versions, a failing group version skipped,
// and DiscoveryCache's refresh on a miss at most once per interval.

#include "operator/client/discovery_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "operator/client/credential_source.h"
#include "tests/unit/rest/scripted_transport.h"

namespace cop::client {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;
using testing::failure;
using testing::FakeClock;
using ::testing::HasSubstr;
using testing::header;
using ::testing::IsEmpty;
using testing::ok;
using testing::RecordingSleeper;
using testing::ScriptedTransport;
using testing::status;

// GET /api with the aggregated Accept (kube-apiserver 1.36, trimmed).
constexpr const char* kAggregatedCore = R"({
  "kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {},
  "items": [{"metadata": {"creationTimestamp": null}, "versions": [{"version": "v1", "resources": [
    {"resource": "configmaps", "responseKind": {"group": "", "version": "v1", "kind": "ConfigMap"},
     "scope": "Namespaced", "singularResource": "configmap", "shortNames": ["cm"],
     "verbs": ["create","delete","deletecollection","get","list","patch","update","watch"]},
    {"resource": "namespaces", "responseKind": {"group": "", "version": "v1", "kind": "Namespace"},
     "scope": "Cluster", "singularResource": "namespace",
     "verbs": ["create","delete","get","list","patch","update","watch"],
     "subresources": [{"subresource": "finalize", "verbs": ["update"]},
                      {"subresource": "status", "verbs": ["get","patch","update"]}]}]}]}]})";

// GET /apis, aggregated: apps, and an aggregated API whose backend is down (Stale).
constexpr const char* kAggregatedGroups = R"({
  "kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {},
  "items": [
    {"metadata": {"name": "apps"}, "versions": [{"version": "v1", "freshness": "Current", "resources": [
      {"resource": "deployments", "responseKind": {"group": "apps", "version": "v1", "kind": "Deployment"},
       "scope": "Namespaced", "verbs": ["get","list","watch","patch"],
       "subresources": [{"subresource": "scale"}, {"subresource": "status"}]}]}]},
    {"metadata": {"name": "metrics.k8s.io"}, "versions": [
      {"version": "v1beta1", "freshness": "Stale", "resources": []}]}]})";

// The legacy documents of a server without aggregated discovery.
constexpr const char* kApiVersions =
    R"({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []})";
constexpr const char* kApiGroupList = R"({"kind": "APIGroupList", "apiVersion": "v1", "groups": [
  {"name": "apps", "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
   "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}},
  {"name": "compose.example.io", "versions": [
     {"groupVersion": "compose.example.io/v1beta1", "version": "v1beta1"},
     {"groupVersion": "compose.example.io/v1alpha1", "version": "v1alpha1"}],
   "preferredVersion": {"groupVersion": "compose.example.io/v1beta1", "version": "v1beta1"}},
  {"name": "metrics.k8s.io", "versions": [{"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"}]}]})";
constexpr const char* kCoreV1 = R"({"kind": "APIResourceList", "groupVersion": "v1", "resources": [
  {"name": "configmaps", "singularName": "configmap", "namespaced": true, "kind": "ConfigMap",
   "verbs": ["get","list","watch"]}]})";
constexpr const char* kAppsV1 =
    R"({"kind": "APIResourceList", "groupVersion": "apps/v1", "resources": [
  {"name": "deployments", "singularName": "deployment", "namespaced": true, "kind": "Deployment",
   "verbs": ["get","list","watch"]},
  {"name": "deployments/status", "namespaced": true, "kind": "Deployment", "verbs": ["get"]}]})";
constexpr const char* kComposeV1beta1 = R"({"kind": "APIResourceList",
  "groupVersion": "compose.example.io/v1beta1", "resources": [
  {"name": "composestacks", "singularName": "composestack", "namespaced": true,
   "kind": "ComposeStack", "verbs": ["get","list","watch"]}]})";

std::vector<std::string> paths(const ScriptedTransport& transport) {
  std::vector<std::string> out;
  for (const HttpRequest& request : transport.requests) {
    out.push_back(request.method + " " + request.pathAndQuery);
  }
  return out;
}

class DiscoveryClientTest : public ::testing::Test {
 protected:
  DiscoveryClientTest() {
    options_.sleeper = &sleeper_;
    options_.qps = 0;
    options_.warningHandler = [this](std::string_view w) { warnings_.emplace_back(w); };
  }

  RestClient client() { return RestClient(transport_, &tokens_, options_); }

  ScriptedTransport transport_;
  StaticTokenSource tokens_{"secret-token"};
  RecordingSleeper sleeper_;
  RestClientOptions options_;
  std::vector<std::string> warnings_;
};

TEST_F(DiscoveryClientTest, GetRawSendsThePathWithTokenAndAcceptAndReturnsTheBody) {
  transport_.push(ok("{\"kind\":\"APIVersions\"}", {{"Warning", "299 - \"deprecated\""}}));
  RestClient rest = client();
  auto body = rest.getRaw("/api", kDiscoveryAccept);
  ASSERT_TRUE(body.has_value()) << body.error().describe();
  EXPECT_EQ(*body, "{\"kind\":\"APIVersions\"}");
  ASSERT_EQ(transport_.requests.size(), 1U);
  EXPECT_EQ(transport_.requests[0].method, "GET");
  EXPECT_EQ(transport_.requests[0].pathAndQuery, "/api");
  EXPECT_EQ(header(transport_.requests[0], "Accept"), kDiscoveryAccept);
  EXPECT_EQ(header(transport_.requests[0], "Authorization"), "Bearer secret-token");
  EXPECT_THAT(warnings_, ElementsAre("deprecated"));
}

TEST_F(DiscoveryClientTest, GetRawRetriesAsEveryReadDoes) {
  transport_.push(status(429, "TooManyRequests", "slow down", {{"Retry-After", "2"}}));
  transport_.push(failure(TransportFailure::kConnectionLost));
  transport_.push(ok("{}"));
  RestClient rest = client();
  ASSERT_TRUE(rest.getRaw("/apis"));
  EXPECT_EQ(transport_.requests.size(), 3U);
  EXPECT_THAT(sleeper_.sleeps, ElementsAre(milliseconds(2000), milliseconds(1000)));
}

TEST_F(DiscoveryClientTest, GetRawRefusesAPathThatIsNotJustAPath) {
  RestClient rest = client();
  for (const char* bad : {"", "api", "/api?watch=1", "/api#x", "/a b", "/a\r\nX: y"}) {
    auto body = rest.getRaw(bad);
    ASSERT_FALSE(body.has_value()) << bad;
    EXPECT_EQ(body.error().kind, ApiErrorKind::BadRequest);
  }
  EXPECT_THAT(transport_.requests, IsEmpty());
}

TEST_F(DiscoveryClientTest, AggregatedDiscoveryTakesTwoRequests) {
  transport_.push(ok(kAggregatedCore));
  transport_.push(ok(kAggregatedGroups));
  RestClient rest = client();
  auto found = discoverResources(rest);
  ASSERT_TRUE(found.has_value()) << found.error().describe();
  EXPECT_THAT(paths(transport_), ElementsAre("GET /api", "GET /apis"));
  for (const HttpRequest& request : transport_.requests) {
    EXPECT_EQ(header(request, "Accept"), kDiscoveryAccept);
  }
  EXPECT_TRUE(found->aggregated);
  EXPECT_EQ(found->requests, 2);
  EXPECT_EQ(found->resources.size(), 3U);

  const ApiResource* configMap = found->resources.forKind("", "v1", "ConfigMap");
  ASSERT_NE(configMap, nullptr);
  EXPECT_EQ(configMap->resource, "configmaps");
  EXPECT_TRUE(configMap->namespaced);
  EXPECT_TRUE(configMap->hasVerb("watch"));
  const ApiResource* ns = found->resources.forGroupKind("", "Namespace");
  ASSERT_NE(ns, nullptr);
  EXPECT_FALSE(ns->namespaced);
  const ApiResource* deployment = found->resources.forKind("apps", "v1", "Deployment");
  ASSERT_NE(deployment, nullptr);
  EXPECT_TRUE(deployment->hasSubresource("scale"));
  EXPECT_TRUE(deployment->hasSubresource("status"));

  ASSERT_EQ(found->failed.size(), 1U);
  EXPECT_EQ(found->failed[0].groupVersion, "metrics.k8s.io/v1beta1");
  EXPECT_THAT(found->failed[0].reason, HasSubstr("Stale"));
}

TEST_F(DiscoveryClientTest, LegacyServerIsWalkedOneGroupVersionAtATime) {
  transport_.push(ok(kApiVersions));
  transport_.push(ok(kApiGroupList));
  transport_.push(ok(kCoreV1));
  transport_.push(ok(kAppsV1));
  transport_.push(ok(kComposeV1beta1));
  // An aggregated API whose backend is down.
  transport_.push(status(503, "ServiceUnavailable", "the server is currently unable to handle"));
  RestClient rest = client();
  auto found = discoverResources(rest);
  ASSERT_TRUE(found.has_value()) << found.error().describe();
  // The preferred version of each group only; v1alpha1 is never asked for.
  EXPECT_THAT(
      paths(transport_),
      ElementsAre("GET /api", "GET /apis", "GET /api/v1", "GET /apis/apps/v1",
                  "GET /apis/compose.example.io/v1beta1", "GET /apis/metrics.k8s.io/v1beta1"));
  EXPECT_EQ(header(transport_.requests[2], "Accept"), kAcceptJson);
  EXPECT_FALSE(found->aggregated);
  EXPECT_EQ(found->requests, 6);
  EXPECT_EQ(found->resources.size(), 3U);
  const ApiResource* deployment = found->resources.forGroupKind("apps", "Deployment");
  ASSERT_NE(deployment, nullptr);
  EXPECT_THAT(deployment->subresources, ElementsAre("status"));
  const ApiResource* stack = found->resources.forGroupKind("compose.example.io", "ComposeStack");
  ASSERT_NE(stack, nullptr);
  EXPECT_EQ(stack->version, "v1beta1");
  EXPECT_EQ(stack->resource, "composestacks");
  ASSERT_EQ(found->failed.size(), 1U);
  EXPECT_EQ(found->failed[0].groupVersion, "metrics.k8s.io/v1beta1");
  EXPECT_THAT(found->failed[0].reason, HasSubstr("503"));
}

TEST_F(DiscoveryClientTest, AMissingGroupVersionIsSkippedButAForbiddenOneFails) {
  transport_.push(ok(kApiVersions));
  transport_.push(ok(kApiGroupList));
  transport_.push(status(404, "NotFound", "the server could not find the requested resource"));
  transport_.push(ok(kAppsV1));
  transport_.push(status(403, "Forbidden", "no"));
  RestClient rest = client();
  auto found = discoverResources(rest);
  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().kind, ApiErrorKind::Forbidden);
  EXPECT_EQ(transport_.requests.size(), 5U) << "nothing is asked for after a fatal failure";
}

TEST_F(DiscoveryClientTest, ARootThatFailsOrIsNoDiscoveryDocumentFailsTheDiscovery) {
  transport_.push(ok(kAggregatedCore));
  transport_.push(ok(R"({"kind": "Status", "apiVersion": "v1"})"));
  RestClient rest = client();
  auto found = discoverResources(rest);
  ASSERT_FALSE(found.has_value());
  EXPECT_THAT(found.error().message, HasSubstr("GET /apis"));

  transport_.push(status(403, "Forbidden", "system:anonymous cannot get path /api"));
  auto forbidden = discoverResources(rest);
  ASSERT_FALSE(forbidden.has_value());
  EXPECT_EQ(forbidden.error().kind, ApiErrorKind::Forbidden);

  transport_.push(ok("<html>"));
  auto notJson = discoverResources(rest);
  ASSERT_FALSE(notJson.has_value());
  EXPECT_THAT(notJson.error().message, HasSubstr("not a JSON object"));
}

// A discovery stub: answers with `resources` until told to fail, counting its calls.
struct StubDiscovery {
  std::atomic<int> calls{0};
  std::atomic<bool> failing{false};
  std::atomic<bool> withWidget{false};

  DiscoverFunction function() {
    return [this]() -> Expected<DiscoveryResult, ApiError> {
      ++calls;
      if (failing) {
        return Unexpected(transportError(TransportFailureKind::ConnectionRefused, "refused"));
      }
      DiscoveryResult result;
      EXPECT_TRUE(addAggregatedDiscovery(result.resources, kAggregatedGroups));
      if (withWidget) {
        ApiResource widget;
        widget.group = "restclient.example.com";
        widget.version = "v1";
        widget.resource = "widgets";
        widget.kind = "Widget";
        widget.namespaced = true;
        result.resources.add(widget);
      }
      result.failed.push_back({"metrics.k8s.io/v1beta1", "Stale"});
      return result;
    };
  }
};

TEST(DiscoveryCacheTest, FetchesOnceAndRefreshesOnAMissAtMostOncePerInterval) {
  StubDiscovery stub;
  FakeClock clock;
  DiscoveryCache cache(stub.function(), clock);
  EXPECT_EQ(stub.calls, 0) << "nothing is fetched before the first lookup";

  auto deployment = cache.resolve("apps", "Deployment");
  ASSERT_TRUE(deployment.has_value());
  EXPECT_EQ(deployment->resource, "deployments");
  EXPECT_TRUE(cache.forKind("apps", "v1", "Deployment").has_value());
  EXPECT_EQ(stub.calls, 1);
  EXPECT_EQ(cache.failedGroupVersions().at(0).groupVersion, "metrics.k8s.io/v1beta1");

  // The CRD is installed after start; a storm of misses costs no request within the interval.
  stub.withWidget = true;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(cache.resolve("restclient.example.com", "Widget").has_value());
  }
  clock.advance(kDiscoveryRefreshInterval - milliseconds(1));
  EXPECT_FALSE(cache.forKind("restclient.example.com", "v1", "Widget").has_value());
  EXPECT_EQ(stub.calls, 1);

  clock.advance(milliseconds(1));
  auto widget = cache.forKind("restclient.example.com", "v1", "Widget");
  ASSERT_TRUE(widget.has_value());
  EXPECT_EQ(widget->resource, "widgets");
  EXPECT_EQ(stub.calls, 2);
  // Hits never fetch, however late.
  clock.advance(kDiscoveryRefreshInterval * 10);
  EXPECT_TRUE(cache.resolve("apps", "Deployment").has_value());
  EXPECT_EQ(stub.calls, 2);
  EXPECT_EQ(cache.fetches(), 2);
}

TEST(DiscoveryCacheTest, FallsBackToBuiltinsOnlyWhenDiscoveryFailsEntirely) {
  StubDiscovery stub;
  stub.failing = true;
  FakeClock clock;
  DiscoveryCache cache(stub.function(), clock);

  auto deployment = cache.resolve("apps", "Deployment");
  ASSERT_TRUE(deployment.has_value()) << "a built-in kind is served from the fixed table";
  EXPECT_EQ(deployment->resource, "deployments");
  EXPECT_TRUE(cache.usingBuiltins());
  ASSERT_TRUE(cache.lastError().has_value());
  EXPECT_EQ(cache.lastError()->kind, ApiErrorKind::ConnectionRefused);
  EXPECT_FALSE(cache.resolve("restclient.example.com", "Widget").has_value());
  EXPECT_EQ(stub.calls, 1) << "the table's hits and misses alike wait out the interval";

  // The server answers again: the next lookup after the interval leaves the table.
  stub.failing = false;
  stub.withWidget = true;
  clock.advance(kDiscoveryRefreshInterval);
  EXPECT_TRUE(cache.resolve("apps", "Deployment").has_value());
  EXPECT_EQ(stub.calls, 2);
  EXPECT_FALSE(cache.usingBuiltins());
  EXPECT_FALSE(cache.lastError().has_value());
  EXPECT_TRUE(cache.resolve("restclient.example.com", "Widget").has_value());

  // A later failure keeps the discovered map (it knows the CRD), not the table.
  stub.failing = true;
  clock.advance(kDiscoveryRefreshInterval);
  EXPECT_FALSE(cache.resolve("example.com", "Missing").has_value());
  EXPECT_EQ(stub.calls, 3);
  EXPECT_FALSE(cache.usingBuiltins());
  EXPECT_TRUE(cache.lastError().has_value());
  EXPECT_TRUE(cache.resolve("restclient.example.com", "Widget").has_value());
}

TEST(DiscoveryCacheTest, ConcurrentMissesShareOneFetch) {
  StubDiscovery stub;
  FakeClock clock;
  DiscoveryCache cache(stub.function(), clock);
  constexpr int kThreads = 8;
  constexpr int kLookups = 500;
  std::atomic<int> hits{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kLookups; ++i) {
          hits += cache.resolve("apps", "Deployment").has_value() ? 1 : 0;
          EXPECT_FALSE(cache.resolve("restclient.example.com", "Widget").has_value());
        }
      });
    }
  }
  EXPECT_EQ(hits, kThreads * kLookups);
  EXPECT_EQ(stub.calls, 1);
}

TEST(DiscoveryCacheTest, WorksOverARestClient) {
  ScriptedTransport transport;
  transport.push(ok(kAggregatedCore));
  transport.push(ok(kAggregatedGroups));
  RestClientOptions options;
  options.qps = 0;
  RestClient rest(transport, nullptr, options);
  FakeClock clock;
  DiscoveryCache cache(rest, clock);
  auto configMap = cache.forKind("", "v1", "ConfigMap");
  ASSERT_TRUE(configMap.has_value());
  EXPECT_EQ(configMap->resource, "configmaps");
  EXPECT_EQ(transport.requests.size(), 2U);
  EXPECT_FALSE(cache.usingBuiltins());
}

}  // namespace
}  // namespace cop::client
