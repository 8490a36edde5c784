// RestClient against a real kube-apiserver (e2e/tests/rest-client starts the cluster and sets
// KUBECONFIG to its admin kubeconfig). kube-runtime.md §1 (watch: order, stop; a 410 inside a
// 200 stream is forced in tests/integration/informer_test.cc, after a restart), §3.1 (server-side
// apply, conflicts, /status), §4.1 (typed errors), §4.2 (warnings), §6.2-6.3 (bearer tokens, exec
// plugins), checklist §10.

#include "operator/client/rest_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stop_token>
#include <string>
#include <thread>

#include "operator/client/config_io.h"
#include "operator/client/config_loader.h"
#include "operator/client/discovery_client.h"
#include "operator/client/process_exec_runner.h"

namespace cop::client {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

ApiResource resource(std::string group, std::string version, std::string plural, std::string kind,
                     bool namespaced) {
  ApiResource r;
  r.group = std::move(group);
  r.version = std::move(version);
  r.resource = std::move(plural);
  r.kind = std::move(kind);
  r.namespaced = namespaced;
  return r;
}

const ApiResource kConfigMaps = resource("", "v1", "configmaps", "ConfigMap", true);
const ApiResource kSecrets = resource("", "v1", "secrets", "Secret", true);
const ApiResource kServiceAccounts = resource("", "v1", "serviceaccounts", "ServiceAccount", true);
const ApiResource kRoles = resource("rbac.authorization.k8s.io", "v1", "roles", "Role", true);
const ApiResource kRoleBindings =
    resource("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true);
const ApiResource kCrds = resource("apiextensions.k8s.io", "v1", "customresourcedefinitions",
                                   "CustomResourceDefinition", false);
const ApiResource kWidgets = resource("restclient.example.com", "v1", "widgets", "Widget", true);
constexpr const char* kNs = "default";

nlohmann::json configMap(const std::string& name, nlohmann::json data = {{"k", "v"}}) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", kNs}}},
          {"data", std::move(data)}};
}

std::string rvOf(const nlohmann::json& object) {
  return object["metadata"].value("resourceVersion", "");
}

// Counts the requests that go through, to check paging.
class CountingTransport final : public Transport {
 public:
  explicit CountingTransport(Transport& inner) : inner_(inner) {}
  TransportResult send(const HttpRequest& request) override {
    ++sent;
    return inner_.send(request);
  }
  TransportResult stream(const HttpRequest& request, const BodyChunkHandler& onChunk) override {
    ++sent;
    return inner_.stream(request, onChunk);
  }
  std::atomic<int> sent{0};

 private:
  Transport& inner_;
};

class RestClientIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* kubeconfig = std::getenv("KUBECONFIG");
    ASSERT_NE(kubeconfig, nullptr) << "run me from e2e/tests/rest-client (KUBECONFIG unset)";
    ConfigOverrides overrides;
    overrides.kubeconfigPath = kubeconfig;
    auto config = loadRestConfig(overrides, environment_, files_);
    ASSERT_TRUE(config.has_value()) << config.error().format();
    config_ = std::move(config).value();
    auto global = CurlGlobal::create();
    ASSERT_TRUE(global.has_value()) << global.error();
    global_ = std::move(global).value();
    options_.warningHandler = [this](std::string_view w) { warnings_.emplace_back(w); };
    admin_ = connect(config_);
    ASSERT_NE(admin_.client, nullptr);
  }

  RestClientStack connect(const RestConfig& config) {
    const CredentialContext context{files_, clock_, runner_, environment_.all()};
    auto stack = makeRestClient(*global_, config, context, options_);
    EXPECT_TRUE(stack.has_value()) << (stack ? "" : stack.error().format());
    return stack ? std::move(stack).value() : RestClientStack{};
  }

  ApiClient& api() { return *admin_.client; }

  // A token for a new service account that may list ConfigMaps in kNs and nothing else.
  std::string limitedToken(const std::string& name) {
    const ApplyOptions apply{"rest-client-test"};
    EXPECT_TRUE(api().apply(
        kServiceAccounts, kNs,
        {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", name}}}}, apply));
    EXPECT_TRUE(api().apply(
        kRoles, kNs,
        {{"apiVersion", "rbac.authorization.k8s.io/v1"},
         {"kind", "Role"},
         {"metadata", {{"name", name}}},
         {"rules",
          {{{"apiGroups", {""}}, {"resources", {"configmaps"}}, {"verbs", {"list", "get"}}}}}},
        apply));
    EXPECT_TRUE(api().apply(
        kRoleBindings, kNs,
        {{"apiVersion", "rbac.authorization.k8s.io/v1"},
         {"kind", "RoleBinding"},
         {"metadata", {{"name", name}}},
         {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", name}}},
         {"subjects", {{{"kind", "ServiceAccount"}, {"name", name}, {"namespace", kNs}}}}},
        apply));
    // TokenRequest: POST on the serviceaccounts/NAME/token subresource; not an ApiClient verb.
    HttpRequest request;
    request.method = "POST";
    request.pathAndQuery = "/api/v1/namespaces/default/serviceaccounts/" + name + "/token";
    request.headers.emplace_back("Accept", "application/json");
    request.contentType = "application/json";
    request.body = R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest",)"
                   R"("spec":{"expirationSeconds":3600}})";
    auto response = admin_.transport->send(request);
    EXPECT_TRUE(response.has_value());
    if (!response) {
      return {};
    }
    EXPECT_EQ(response->status, 201) << response->body;
    auto body = nlohmann::json::parse(response->body, nullptr, false);
    return body.is_object() ? body["status"].value("token", "") : "";
  }

  // The Widget CRD (namespaced, with a status subresource), applied and Established.
  void installWidgetCrd() {
    const ApplyOptions apply{"rest-client-test"};
    const nlohmann::json crd = nlohmann::json::parse(R"({
      "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
      "metadata": {"name": "widgets.restclient.example.com"},
      "spec": {"group": "restclient.example.com", "scope": "Namespaced",
        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
        "versions": [{"name": "v1", "served": true, "storage": true,
          "subresources": {"status": {}},
          "schema": {"openAPIV3Schema": {"type": "object", "properties": {
            "spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
            "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}}}}}}]}})");
    auto applied = api().apply(kCrds, "", crd, apply);
    ASSERT_TRUE(applied.has_value()) << applied.error().describe();
    bool established = false;
    for (int i = 0; i < 150 && !established; ++i) {
      auto got = api().get(kCrds, "", "widgets.restclient.example.com");
      ASSERT_TRUE(got.has_value()) << got.error().describe();
      for (const auto& condition :
           got->object["status"].value("conditions", nlohmann::json::array())) {
        established |=
            condition.value("type", "") == "Established" && condition.value("status", "") == "True";
      }
      if (!established) {
        std::this_thread::sleep_for(200ms);
      }
    }
    ASSERT_TRUE(established);
  }

  // The admin config without its client certificate: the bearer token is what authenticates.
  RestConfig withoutCertificate() const {
    RestConfig config = config_;
    config.clientCertificatePem.clear();
    config.clientKeyPem.clear();
    config.bearerToken.clear();
    config.tokenFile.clear();
    config.exec.reset();
    return config;
  }

  DiskFiles files_;
  ProcessEnvironment environment_;
  SystemClock clock_;
  ProcessExecRunner runner_;
  RestConfig config_;
  std::unique_ptr<CurlGlobal> global_;
  RestClientOptions options_;
  std::vector<std::string> warnings_;
  RestClientStack admin_;
};

TEST_F(RestClientIntegration, ConfigMapCreateGetUpdatePatchDelete) {
  auto object = configMap("lifecycle");
  object["bogusField"] = 1;  // unknown: the server warns (fieldValidation defaults to Warn)
  auto created = api().create(kConfigMaps, kNs, object);
  ASSERT_TRUE(created.has_value()) << created.error().describe();
  EXPECT_THAT(created->warnings, Contains(HasSubstr("unknown field")));
  EXPECT_THAT(warnings_, Contains(HasSubstr("unknown field")));

  auto again = api().create(kConfigMaps, kNs, configMap("lifecycle"));
  ASSERT_FALSE(again.has_value());
  EXPECT_TRUE(isAlreadyExists(again.error())) << again.error().describe();

  auto got = api().get(kConfigMaps, kNs, "lifecycle");
  ASSERT_TRUE(got.has_value()) << got.error().describe();
  const std::string staleRv = rvOf(got->object);

  auto fresh = got->object;
  fresh["data"]["k"] = "v2";
  auto updated = api().update(kConfigMaps, kNs, fresh);
  ASSERT_TRUE(updated.has_value()) << updated.error().describe();
  EXPECT_NE(rvOf(updated->object), staleRv);

  auto stale = got->object;  // still carries the old resourceVersion
  stale["data"]["k"] = "v3";
  auto conflict = api().update(kConfigMaps, kNs, stale);
  ASSERT_FALSE(conflict.has_value());
  EXPECT_TRUE(isConflict(conflict.error())) << conflict.error().describe();

  auto patched = api().mergePatch(kConfigMaps, kNs, "lifecycle", {{"data", {{"p", "1"}}}});
  ASSERT_TRUE(patched.has_value()) << patched.error().describe();
  EXPECT_EQ(patched->object["data"]["p"], "1");
  EXPECT_EQ(patched->object["data"]["k"], "v2");

  auto removed = api().remove(kConfigMaps, kNs, "lifecycle");
  ASSERT_TRUE(removed.has_value()) << removed.error().describe();
  auto gone = api().get(kConfigMaps, kNs, "lifecycle");
  ASSERT_FALSE(gone.has_value());
  EXPECT_TRUE(isNotFound(gone.error())) << gone.error().describe();
  auto goneAgain = api().remove(kConfigMaps, kNs, "lifecycle");
  ASSERT_FALSE(goneAgain.has_value());
  EXPECT_TRUE(isNotFound(goneAgain.error()));
}

TEST_F(RestClientIntegration, InvalidObjectsComeBackWithCauses) {
  auto badName = api().create(kConfigMaps, kNs, configMap("Not_A_Valid_Name"));
  ASSERT_FALSE(badName.has_value());
  EXPECT_TRUE(isInvalid(badName.error())) << badName.error().describe();
  ASSERT_FALSE(badName.error().causes.empty());
  EXPECT_EQ(badName.error().causes[0].field, "metadata.name");

  auto badKey = api().create(kConfigMaps, kNs, configMap("bad-key", {{"no spaces!", "x"}}));
  ASSERT_FALSE(badKey.has_value());
  EXPECT_TRUE(isInvalid(badKey.error()));
  ASSERT_FALSE(badKey.error().causes.empty());
  EXPECT_THAT(badKey.error().causes[0].field, HasSubstr("data"));
}

TEST_F(RestClientIntegration, ServerSideApplyCreatesIsIdempotentAndReportsConflicts) {
  const ApplyOptions first{"manager-a"};
  auto created = api().apply(kConfigMaps, kNs, configMap("applied", {{"owned", "a"}}), first);
  ASSERT_TRUE(created.has_value()) << created.error().describe();
  const std::string rv = rvOf(created->object);

  // Sent back with managedFields (as read): the client strips them, so the server accepts it.
  auto again = api().apply(kConfigMaps, kNs, created->object, first);
  ASSERT_TRUE(again.has_value()) << again.error().describe();
  EXPECT_EQ(rvOf(again->object), rv) << "an identical apply is no write";

  ApplyOptions second{"manager-b"};
  second.force = false;
  auto conflict = api().apply(kConfigMaps, kNs, configMap("applied", {{"owned", "b"}}), second);
  ASSERT_FALSE(conflict.has_value());
  EXPECT_TRUE(isFieldManagerConflict(conflict.error())) << conflict.error().describe();
  ASSERT_FALSE(conflict.error().causes.empty());
  EXPECT_EQ(conflict.error().causes[0].reason, "FieldManagerConflict");
  EXPECT_EQ(conflict.error().causes[0].field, ".data.owned");

  second.force = true;
  auto forced = api().apply(kConfigMaps, kNs, configMap("applied", {{"owned", "b"}}), second);
  ASSERT_TRUE(forced.has_value()) << forced.error().describe();
  EXPECT_EQ(forced->object["data"]["owned"], "b");
  ASSERT_TRUE(api().remove(kConfigMaps, kNs, "applied").has_value());
}

TEST_F(RestClientIntegration, ApplyToTheStatusSubresourceOfACustomResource) {
  installWidgetCrd();
  if (HasFatalFailure()) {
    return;
  }
  const ApplyOptions apply{"rest-client-test"};

  const nlohmann::json widget = {{"apiVersion", "restclient.example.com/v1"},
                                 {"kind", "Widget"},
                                 {"metadata", {{"name", "w1"}}},
                                 {"spec", {{"size", 3}}}};
  // Discovery of a new CRD can lag Established by a moment: retry NotFound briefly.
  ApiResult created = api().apply(kWidgets, kNs, widget, apply);
  for (int i = 0; i < 50 && !created && isNotFound(created.error()); ++i) {
    std::this_thread::sleep_for(200ms);
    created = api().apply(kWidgets, kNs, widget, apply);
  }
  ASSERT_TRUE(created.has_value()) << created.error().describe();
  EXPECT_FALSE(created->object.contains("status"));

  const nlohmann::json status = {{"apiVersion", "restclient.example.com/v1"},
                                 {"kind", "Widget"},
                                 {"metadata", {{"name", "w1"}}},
                                 {"status", {{"ready", true}}}};
  auto withStatus = api().apply(kWidgets, kNs, status, apply, "status");
  ASSERT_TRUE(withStatus.has_value()) << withStatus.error().describe();
  EXPECT_EQ(withStatus->object["status"]["ready"], true);
  EXPECT_EQ(withStatus->object["spec"]["size"], 3) << "a status apply leaves spec alone";
  ASSERT_TRUE(api().remove(kWidgets, kNs, "w1").has_value());
}

TEST_F(RestClientIntegration, DiscoveryMapsBuiltInKindsAndTheCrd) {
  installWidgetCrd();
  if (HasFatalFailure()) {
    return;
  }
  CountingTransport counting(*admin_.transport);
  RestClient client(counting, admin_.credentials.get(), options_);
  // Discovery of a new CRD can lag Established by a moment: discover again briefly.
  auto found = discoverResources(client);
  for (int i = 0; i < 50 && found &&
                  found->resources.forKind("restclient.example.com", "v1", "Widget") == nullptr;
       ++i) {
    std::this_thread::sleep_for(200ms);
    found = discoverResources(client);
  }
  ASSERT_TRUE(found.has_value()) << found.error().describe();
  const ResourceMap& map = found->resources;
  EXPECT_TRUE(found->aggregated) << "1.36 serves aggregated discovery";
  EXPECT_EQ(found->requests, 2);
  EXPECT_EQ(counting.sent.load() % 2, 0) << "two requests per discovery, no retries";
  for (const FailedGroupVersion& failed : found->failed) {
    ADD_FAILURE() << "skipped " << failed.groupVersion << ": " << failed.reason;
  }

  const ApiResource* configMaps = map.forKind("", "v1", "ConfigMap");
  ASSERT_NE(configMaps, nullptr);
  EXPECT_EQ(configMaps->resource, "configmaps");
  EXPECT_TRUE(configMaps->namespaced);
  EXPECT_TRUE(configMaps->hasVerb("watch"));
  EXPECT_TRUE(configMaps->hasVerb("patch"));
  EXPECT_TRUE(configMaps->subresources.empty());

  const ApiResource* deployments = map.forGroupKind("apps", "Deployment");
  ASSERT_NE(deployments, nullptr);
  EXPECT_EQ(deployments->version, "v1");
  EXPECT_EQ(deployments->resource, "deployments");
  EXPECT_TRUE(deployments->hasSubresource("status"));
  EXPECT_TRUE(deployments->hasSubresource("scale"));

  const ApiResource* leases = map.forGroupKind("coordination.k8s.io", "Lease");
  ASSERT_NE(leases, nullptr);
  EXPECT_EQ(leases->version, "v1");
  EXPECT_EQ(leases->resource, "leases");
  EXPECT_TRUE(leases->namespaced);

  const ApiResource* namespaces = map.forKind("", "v1", "Namespace");
  ASSERT_NE(namespaces, nullptr);
  EXPECT_FALSE(namespaces->namespaced);

  const ApiResource* widgets = map.forKind("restclient.example.com", "v1", "Widget");
  ASSERT_NE(widgets, nullptr);
  EXPECT_EQ(widgets->resource, "widgets");
  EXPECT_EQ(widgets->singular, "widget");
  EXPECT_TRUE(widgets->namespaced);
  EXPECT_TRUE(widgets->hasSubresource("status"));
  EXPECT_FALSE(widgets->hasSubresource("scale"));

  std::printf(
      "discovery: %zu resources in %d requests (aggregated: %s, %zu group versions "
      "skipped); %d requests in all, with the waits for the CRD\n",
      map.size(), found->requests, found->aggregated ? "yes" : "no", found->failed.size(),
      counting.sent.load());

  // The cache over the same client: one discovery, then hits cost nothing.
  DiscoveryCache cache(client, clock_);
  const int before = counting.sent.load();
  ASSERT_TRUE(cache.resolve("restclient.example.com", "Widget").has_value());
  ASSERT_TRUE(cache.forKind("apps", "v1", "Deployment").has_value());
  EXPECT_EQ(counting.sent.load() - before, 2);
  EXPECT_FALSE(cache.usingBuiltins());
}

TEST_F(RestClientIntegration, ListAllFollowsContinueTokens) {
  for (int i = 0; i < 5; ++i) {
    auto object = configMap("page-" + std::to_string(i));
    object["metadata"]["labels"] = {{"set", "paging"}};
    ASSERT_TRUE(api().create(kConfigMaps, kNs, object).has_value());
  }
  CountingTransport counting(*admin_.transport);
  RestClient client(counting, admin_.credentials.get(), options_);
  ListOptions options;
  options.limit = 2;
  options.labelSelector = "set=paging";
  auto all = listAll(client, kConfigMaps, kNs, options);
  ASSERT_TRUE(all.has_value()) << all.error().describe();
  ASSERT_EQ(all->items.size(), 5u);
  for (const auto& item : all->items) {
    EXPECT_EQ(item["kind"], "ConfigMap");
    EXPECT_EQ(item["apiVersion"], "v1");
  }
  EXPECT_FALSE(all->resourceVersion.empty());
  EXPECT_EQ(counting.sent.load(), 3) << "pages of 2, 2 and 1";
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(api().remove(kConfigMaps, kNs, "page-" + std::to_string(i)).has_value());
  }
}

TEST_F(RestClientIntegration, ForegroundDeleteIsAcceptedAndTheObjectGoes) {
  ASSERT_TRUE(api().create(kConfigMaps, kNs, configMap("foreground")).has_value());
  auto got = api().get(kConfigMaps, kNs, "foreground");
  ASSERT_TRUE(got.has_value());
  DeleteOptions options;
  options.propagation = PropagationPolicy::Foreground;
  options.preconditionUid = got->object["metadata"].value("uid", "");
  auto removed = api().remove(kConfigMaps, kNs, "foreground", options);
  ASSERT_TRUE(removed.has_value()) << removed.error().describe();
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    auto again = api().get(kConfigMaps, kNs, "foreground");
    gone = !again.has_value() && isNotFound(again.error());
    if (!gone) {
      std::this_thread::sleep_for(100ms);
    }
  }
  EXPECT_TRUE(gone);
}

TEST_F(RestClientIntegration, ABearerTokenIsAuthorizedByRbac) {
  const std::string token = limitedToken("limited");
  ASSERT_FALSE(token.empty());
  RestConfig config = withoutCertificate();
  config.bearerToken = token;
  auto limited = connect(config);
  ASSERT_NE(limited.client, nullptr);
  auto secrets = limited.client->list(kSecrets, kNs);
  ASSERT_FALSE(secrets.has_value());
  EXPECT_TRUE(isForbidden(secrets.error())) << secrets.error().describe();
  EXPECT_THAT(secrets.error().describe(), ::testing::Not(HasSubstr(token)));
  auto configMaps = limited.client->list(kConfigMaps, kNs);
  EXPECT_TRUE(configMaps.has_value()) << configMaps.error().describe();
}

TEST_F(RestClientIntegration, AnExecPluginsTokenAuthenticates) {
  const std::string token = limitedToken("exec-user");
  ASSERT_FALSE(token.empty());
  const auto dir =
      std::filesystem::temp_directory_path() / ("rest-client-exec-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto script = dir / "get-token";
  {
    std::ofstream out(script);
    out << "#!/bin/sh\ncat <<'EOF'\n"
        << R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
        << R"("status":{"token":")" << token << "\"}}\nEOF\n";
  }
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  RestConfig config = withoutCertificate();
  ExecConfig exec;
  exec.apiVersion = "client.authentication.k8s.io/v1";
  exec.command = script.string();
  exec.interactiveMode = InteractiveMode::kNever;
  config.exec = exec;
  auto viaExec = connect(config);
  ASSERT_NE(viaExec.client, nullptr);
  auto listed = viaExec.client->list(kConfigMaps, kNs);
  EXPECT_TRUE(listed.has_value()) << listed.error().describe();
  auto secrets = viaExec.client->list(kSecrets, kNs);
  ASSERT_FALSE(secrets.has_value());
  EXPECT_TRUE(isForbidden(secrets.error()));
  std::filesystem::remove_all(dir);
}

TEST_F(RestClientIntegration, AWatchSeesAThousandQuickWritesInOrder) {
  constexpr int kWrites = 1000;
  auto created = api().create(kConfigMaps, kNs, configMap("watched", {{"n", "-1"}}));
  ASSERT_TRUE(created.has_value()) << created.error().describe();
  std::vector<int> seen;
  std::vector<unsigned long long> versions;
  std::stop_source stop;
  std::atomic<bool> watching{false};
  WatchResult ended = WatchEnd::Closed;
  std::thread watcher([&] {
    WatchOptions options;
    options.resourceVersion = rvOf(created->object);
    options.fieldSelector = "metadata.name=watched";
    options.stop = stop.get_token();
    watching = true;
    ended = api().watch(kConfigMaps, kNs, options, [&](WatchEvent& event) {
      if (event.type != WatchEventType::Modified) {
        return true;
      }
      seen.push_back(std::stoi(event.object["data"].value("n", "-2")));
      versions.push_back(std::stoull(event.resourceVersion()));
      return seen.size() < kWrites;
    });
  });
  while (!watching) {
    std::this_thread::sleep_for(10ms);
  }
  for (int i = 0; i < kWrites; ++i) {
    auto patched =
        api().mergePatch(kConfigMaps, kNs, "watched", {{"data", {{"n", std::to_string(i)}}}});
    ASSERT_TRUE(patched.has_value()) << patched.error().describe();
  }
  std::thread guard([&] {
    for (int i = 0; i < 600 && !stop.stop_requested(); ++i) {
      std::this_thread::sleep_for(100ms);
    }
    stop.request_stop();  // a watch that never saw everything must not hang the test
  });
  watcher.join();
  stop.request_stop();
  guard.join();
  ASSERT_TRUE(ended.has_value()) << ended.error().describe();
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kWrites));
  for (int i = 0; i < kWrites; ++i) {
    ASSERT_EQ(seen[i], i) << "event " << i;
    if (i > 0) {
      ASSERT_LT(versions[i - 1], versions[i]) << "event " << i;
    }
  }
  ASSERT_TRUE(api().remove(kConfigMaps, kNs, "watched").has_value());
}

TEST_F(RestClientIntegration, AStopRequestEndsAnIdleWatchWithinASecondOrTwo) {
  std::stop_source stop;
  WatchOptions options;
  options.fieldSelector = "metadata.name=nothing-here";
  options.allowWatchBookmarks = false;
  options.stop = stop.get_token();
  std::thread stopper([&] {
    std::this_thread::sleep_for(1s);
    stop.request_stop();
  });
  const auto start = std::chrono::steady_clock::now();
  auto ended = api().watch(kConfigMaps, kNs, options, [](WatchEvent&) { return true; });
  const auto took = std::chrono::steady_clock::now() - start;
  stopper.join();
  ASSERT_TRUE(ended.has_value()) << ended.error().describe();
  EXPECT_EQ(*ended, WatchEnd::Stopped);
  EXPECT_LT(took, 4s);
}

}  // namespace
}  // namespace cop::client
