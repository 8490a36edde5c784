// RestClient: what each verb sends and what it returns (kube-runtime.md §1.1, §3.1, §4.2, §8).

#include "operator/client/rest_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/rest/scripted_transport.h"

namespace cop::client {
namespace {

using testing::clusterRoles;
using testing::configMaps;
using testing::deployments;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::header;
using ::testing::Not;
using testing::ok;
using testing::ScriptedTransport;
using testing::status;
using testing::Step;

nlohmann::json configMap(const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"data", {{"k", "v"}}}};
}

class RestClientTest : public ::testing::Test {
 protected:
  RestClientTest() {
    options_.warningHandler = [this](std::string_view w) { handled_.emplace_back(w); };
  }

  RestClient& client() {
    if (!client_) {
      client_ = std::make_unique<RestClient>(transport_, nullptr, options_);
    }
    return *client_;
  }
  const HttpRequest& only() {
    EXPECT_EQ(transport_.requests.size(), 1u);
    return transport_.requests.front();
  }

  ScriptedTransport transport_;
  RestClientOptions options_;
  std::vector<std::string> handled_;
  std::unique_ptr<RestClient> client_;
};

TEST_F(RestClientTest, GetSendsGetOnTheObjectPathAcceptingJson) {
  transport_.push(ok(R"({"kind":"ConfigMap","metadata":{"name":"web"}})"));
  auto got = client().get(configMaps(), "default", "web");
  ASSERT_TRUE(got.has_value()) << got.error().describe();
  EXPECT_EQ(got->object["metadata"]["name"], "web");
  EXPECT_EQ(only().method, "GET");
  EXPECT_EQ(only().pathAndQuery, "/api/v1/namespaces/default/configmaps/web");
  EXPECT_EQ(header(only(), "Accept"), "application/json");
  EXPECT_EQ(only().body, "");
}

TEST_F(RestClientTest, GroupAndClusterScopedPaths) {
  transport_.push(ok("{}"));
  transport_.push(ok("{}"));
  ASSERT_TRUE(client().get(deployments(), "prod", "web").has_value());
  ASSERT_TRUE(client().get(clusterRoles(), "", "admin").has_value())
      << "a cluster-scoped get needs no namespace";
  EXPECT_EQ(transport_.requests[0].pathAndQuery, "/apis/apps/v1/namespaces/prod/deployments/web");
  EXPECT_EQ(transport_.requests[1].pathAndQuery,
            "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin");
}

TEST_F(RestClientTest, MetadataOnlyAsksForPartialObjectMetadata) {
  transport_.push(ok("{}"));
  transport_.push(ok(R"({"items":[]})"));
  ASSERT_TRUE(client().get(configMaps(), "default", "web", GetOptions{true}).has_value());
  ListOptions list;
  list.metadataOnly = true;
  ASSERT_TRUE(client().list(configMaps(), "default", list).has_value());
  EXPECT_EQ(header(transport_.requests[0], "Accept"),
            "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1");
  EXPECT_EQ(header(transport_.requests[1], "Accept"),
            "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");
}

TEST_F(RestClientTest, CreatePostsTheObjectToTheCollection) {
  transport_.push(Step{testing::response(201, configMap("web").dump()), {}, {}, {}});
  auto created = client().create(configMaps(), "default", configMap("web"));
  ASSERT_TRUE(created.has_value()) << created.error().describe();
  EXPECT_EQ(only().method, "POST");
  EXPECT_EQ(only().pathAndQuery, "/api/v1/namespaces/default/configmaps");
  EXPECT_EQ(only().contentType, "application/json");
  EXPECT_EQ(nlohmann::json::parse(only().body), configMap("web"));
}

TEST_F(RestClientTest, UpdatePutsToTheObjectOrItsSubresource) {
  transport_.push(ok("{}"));
  transport_.push(ok("{}"));
  auto object = configMap("web");
  object["metadata"]["resourceVersion"] = "42";
  ASSERT_TRUE(client().update(configMaps(), "default", object).has_value());
  ASSERT_TRUE(client().update(deployments(), "prod", object, "status").has_value());
  EXPECT_EQ(transport_.requests[0].method, "PUT");
  EXPECT_EQ(transport_.requests[0].pathAndQuery, "/api/v1/namespaces/default/configmaps/web");
  EXPECT_EQ(transport_.requests[0].contentType, "application/json");
  EXPECT_EQ(nlohmann::json::parse(transport_.requests[0].body)["metadata"]["resourceVersion"],
            "42");
  EXPECT_EQ(transport_.requests[1].pathAndQuery,
            "/apis/apps/v1/namespaces/prod/deployments/web/status");
}

TEST_F(RestClientTest, MergePatchSendsAMergePatch) {
  transport_.push(ok("{}"));
  const nlohmann::json patch = {{"data", {{"k", nullptr}}}};
  ASSERT_TRUE(client().mergePatch(configMaps(), "default", "web", patch).has_value());
  EXPECT_EQ(only().method, "PATCH");
  EXPECT_EQ(only().pathAndQuery, "/api/v1/namespaces/default/configmaps/web");
  EXPECT_EQ(only().contentType, "application/merge-patch+json");
  EXPECT_EQ(nlohmann::json::parse(only().body), patch);
}

TEST_F(RestClientTest, ApplyPatchesWithFieldManagerAndForceWithoutManagedFields) {
  transport_.push(ok("{}"));
  auto object = configMap("web");
  object["metadata"]["managedFields"] = nlohmann::json::array({{{"manager", "kubectl"}}});
  object["metadata"]["labels"] = {{"app", "web"}};
  ASSERT_TRUE(client()
                  .apply(configMaps(), "default", object, ApplyOptions{"compose-operator"})
                  .has_value());
  EXPECT_EQ(only().method, "PATCH");
  EXPECT_EQ(only().pathAndQuery,
            "/api/v1/namespaces/default/configmaps/web?fieldManager=compose-operator&force=true");
  EXPECT_EQ(only().contentType, "application/apply-patch+yaml");
  const auto sent = nlohmann::json::parse(only().body);
  EXPECT_FALSE(sent["metadata"].contains("managedFields"));
  EXPECT_EQ(sent["metadata"]["labels"]["app"], "web") << "the rest of the intent is kept";
  EXPECT_EQ(sent["data"]["k"], "v");
}

TEST_F(RestClientTest, ApplyUnforcedDryRunToStatus) {
  transport_.push(ok("{}"));
  ApplyOptions options{"ops", false, true};
  auto object = configMap("web");
  object["apiVersion"] = "apps/v1";
  object["kind"] = "Deployment";
  ASSERT_TRUE(client().apply(deployments(), "prod", object, options, "status").has_value());
  EXPECT_EQ(only().pathAndQuery,
            "/apis/apps/v1/namespaces/prod/deployments/web/status?dryRun=All&fieldManager=ops");
}

TEST_F(RestClientTest, RemoveSendsDeleteOptions) {
  transport_.push(ok(R"({"kind":"Status","status":"Success"})"));
  transport_.push(ok("{}"));
  DeleteOptions options;
  options.propagation = PropagationPolicy::Foreground;
  options.preconditionUid = "1234-abcd";
  ASSERT_TRUE(client().remove(configMaps(), "default", "web", options).has_value());
  ASSERT_TRUE(client().remove(configMaps(), "default", "web").has_value());
  EXPECT_EQ(transport_.requests[0].method, "DELETE");
  EXPECT_EQ(transport_.requests[0].pathAndQuery, "/api/v1/namespaces/default/configmaps/web");
  EXPECT_EQ(transport_.requests[0].contentType, "application/json");
  EXPECT_EQ(nlohmann::json::parse(transport_.requests[0].body),
            nlohmann::json::parse(R"({"kind":"DeleteOptions","apiVersion":"v1",)"
                                  R"("propagationPolicy":"Foreground",)"
                                  R"("preconditions":{"uid":"1234-abcd"}})"));
  EXPECT_EQ(nlohmann::json::parse(transport_.requests[1].body),
            nlohmann::json::parse(R"({"kind":"DeleteOptions","apiVersion":"v1"})"));
}

// Each case must fail with BadRequest and send nothing.
TEST_F(RestClientTest, InvalidCallsAreRefusedBeforeSending) {
  auto object = configMap("web");
  auto expectBadRequest = [&](const ApiResult& result, const std::string& what) {
    ASSERT_FALSE(result.has_value()) << what;
    EXPECT_EQ(result.error().kind, ApiErrorKind::BadRequest) << what;
    EXPECT_THAT(result.error().message, HasSubstr("not sent")) << what;
  };
  expectBadRequest(client().get(configMaps(), "", "web"), "get without namespace");
  expectBadRequest(client().create(configMaps(), "", object), "create without namespace");
  expectBadRequest(client().update(configMaps(), "", object), "update without namespace");
  expectBadRequest(client().mergePatch(configMaps(), "", "web", {}), "patch without namespace");
  expectBadRequest(client().apply(configMaps(), "", object, {"m"}), "apply without namespace");
  expectBadRequest(client().remove(configMaps(), "", "web"), "delete without namespace");
  expectBadRequest(client().get(configMaps(), "default", "a/b"), "name with '/'");
  expectBadRequest(client().get(configMaps(), "default", ".."), "name '..'");
  expectBadRequest(client().get(configMaps(), "default", "."), "name '.'");
  expectBadRequest(client().get(configMaps(), "de/fault", "web"), "namespace with '/'");
  expectBadRequest(client().remove(configMaps(), "default", ""), "empty name");
  expectBadRequest(
      client().update(configMaps(), "default", {{"metadata", nlohmann::json::object()}}),
      "update of an object without a name");
  expectBadRequest(client().update(configMaps(), "default", object, "st/atus"), "bad subresource");
  expectBadRequest(client().apply(configMaps(), "default", object, {""}), "no field manager");
  expectBadRequest(client().apply(configMaps(), "default", object, {std::string(129, 'm')}),
                   "a field manager of 129 characters");
  expectBadRequest(client().apply(configMaps(), "default", object, {"a\tb"}),
                   "a field manager with a control character");
  auto noKind = object;
  noKind.erase("kind");
  expectBadRequest(client().apply(configMaps(), "default", noKind, {"m"}), "apply without kind");
  auto listed = client().list(configMaps(), "a/b");
  ASSERT_FALSE(listed.has_value());
  EXPECT_EQ(listed.error().kind, ApiErrorKind::BadRequest);
  EXPECT_TRUE(transport_.requests.empty());
}

TEST_F(RestClientTest, AFieldManagerOf128CharactersIsFine) {
  transport_.push(ok("{}"));
  EXPECT_TRUE(client()
                  .apply(configMaps(), "default", configMap("web"), {std::string(128, 'm')})
                  .has_value());
}

TEST_F(RestClientTest, ListFillsInKindAndReturnsVersionAndContinue) {
  transport_.push(ok(R"({"kind":"DeploymentList","apiVersion":"apps/v1",)"
                     R"("metadata":{"resourceVersion":"77","continue":"tok"},)"
                     R"("items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]})"));
  ListOptions options;
  options.labelSelector = "app=web";
  options.fieldSelector = "metadata.name=a";
  options.resourceVersion = "0";
  options.limit = 2;
  auto page = client().list(deployments(), "prod", options);
  ASSERT_TRUE(page.has_value()) << page.error().describe();
  ASSERT_EQ(page->items.size(), 2u);
  for (const auto& item : page->items) {
    EXPECT_EQ(item["apiVersion"], "apps/v1");
    EXPECT_EQ(item["kind"], "Deployment");
  }
  EXPECT_EQ(page->resourceVersion, "77");
  EXPECT_EQ(page->continueToken, "tok");
  EXPECT_EQ(only().pathAndQuery,
            "/apis/apps/v1/namespaces/prod/deployments?fieldSelector=metadata.name%3Da&"
            "labelSelector=app%3Dweb&limit=2&resourceVersion=0");
}

TEST_F(RestClientTest, ListInEveryNamespace) {
  transport_.push(ok(R"({"items":null,"metadata":{}})"));
  auto page = client().list(configMaps(), "");
  ASSERT_TRUE(page.has_value());
  EXPECT_TRUE(page->items.empty());
  EXPECT_EQ(only().pathAndQuery, "/api/v1/configmaps");
}

TEST_F(RestClientTest, ListAllFollowsContinueTokensWithoutResourceVersion) {
  transport_.push(ok(R"({"metadata":{"resourceVersion":"5","continue":"c1"},"items":[{"a":1}]})"));
  transport_.push(ok(R"({"metadata":{"resourceVersion":"5","continue":"c2"},"items":[{"a":2}]})"));
  transport_.push(ok(R"({"metadata":{"resourceVersion":"5"},"items":[{"a":3}]})"));
  ListOptions options;
  options.limit = 1;
  options.resourceVersion = "3";
  auto all = listAll(client(), configMaps(), "default", options);
  ASSERT_TRUE(all.has_value()) << all.error().describe();
  ASSERT_EQ(all->items.size(), 3u);
  EXPECT_EQ(all->items[2]["a"], 3);
  EXPECT_EQ(all->items[2]["kind"], "ConfigMap");
  EXPECT_EQ(all->resourceVersion, "5");
  EXPECT_EQ(all->continueToken, "");
  ASSERT_EQ(transport_.requests.size(), 3u);
  EXPECT_EQ(transport_.requests[0].pathAndQuery,
            "/api/v1/namespaces/default/configmaps?limit=1&resourceVersion=3");
  EXPECT_EQ(transport_.requests[1].pathAndQuery,
            "/api/v1/namespaces/default/configmaps?continue=c1&limit=1");
  EXPECT_EQ(transport_.requests[2].pathAndQuery,
            "/api/v1/namespaces/default/configmaps?continue=c2&limit=1");
}

TEST_F(RestClientTest, ListAllReturnsExpiredWhenAContinueTokenExpired) {
  transport_.push(ok(R"({"metadata":{"continue":"c1"},"items":[{"a":1}]})"));
  transport_.push(status(410, "Expired", "The provided continue parameter is too old"));
  auto all = listAll(client(), configMaps(), "default", ListOptions{});
  ASSERT_FALSE(all.has_value());
  EXPECT_TRUE(isExpired(all.error()));
  EXPECT_EQ(transport_.requests.size(), 2u) << "no relist behind the caller's back";
}

TEST_F(RestClientTest, WarningsGoToTheResultAndTheHandlerPrintable) {
  transport_.push(ok(
      "{}", {{"warning", R"(299 - "deprecated API")"}, {"warning", R"(299 - "line\u0001break")"}}));
  auto got = client().get(configMaps(), "default", "web");
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->warnings.size(), 2u);
  EXPECT_EQ(got->warnings[0], "deprecated API");
  EXPECT_THAT(got->warnings[1], Not(HasSubstr("\x01")));
  EXPECT_EQ(handled_, got->warnings);
}

TEST_F(RestClientTest, WarningsOfAFailureStillReachTheHandler) {
  transport_.push(status(422, "Invalid", "bad", {{"warning", R"(299 - "unknown field spec.x")"}}));
  auto created = client().create(configMaps(), "default", configMap("web"));
  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().kind, ApiErrorKind::Invalid);
  EXPECT_THAT(handled_, ElementsAre("unknown field spec.x"));
}

TEST_F(RestClientTest, ListWarningsAreReturned) {
  transport_.push(ok(R"({"items":[]})", {{"warning", R"(299 - "w")"}}));
  auto page = client().list(configMaps(), "default");
  ASSERT_TRUE(page.has_value());
  EXPECT_THAT(page->warnings, ElementsAre("w"));
}

TEST_F(RestClientTest, StatusErrorsAreTyped) {
  transport_.push(status(409, "AlreadyExists", "configmaps \\\"web\\\" already exists"));
  auto created = client().create(configMaps(), "default", configMap("web"));
  ASSERT_FALSE(created.has_value());
  EXPECT_TRUE(isAlreadyExists(created.error()));
  EXPECT_EQ(created.error().code, 409);
}

TEST_F(RestClientTest, ASuccessWhoseBodyIsNotJsonIsAnErrorQuotingNothing) {
  transport_.push(ok("<html>secret</html>"));
  auto got = client().get(configMaps(), "default", "web");
  ASSERT_FALSE(got.has_value());
  EXPECT_THAT(got.error().describe(), Not(HasSubstr("secret")));
}

}  // namespace
}  // namespace cop::client
