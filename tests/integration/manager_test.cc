// The manager with a real controller against a real kube-apiserver (e2e/tests/runtime):
// checklist §10 items 10, 11, 12, 14, 21, 22 (kube-runtime.md §2.5, §3, §5, §7).
// The controller under test gives every ConfigMap labelled runtime-test/parent a child
// ConfigMap, applied server-side with a controller ownerReference; the manager serves probes
// and metrics, holds a Lease, and stops cleanly.

#include "operator/manager/manager.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <memory>
#include <thread>

#include "operator/client/rest_metrics.h"
#include "operator/metrics/standard_families.h"
#include "tests/integration/cluster_client.h"

namespace cop::manager {
namespace {

using namespace std::chrono_literals;

// A namespace of its own for each run, so the test can run again on the same cluster.
const std::string kNamespace = "runtime-manager-" + std::to_string(::getpid());
constexpr const char* kParentLabel = "runtime-test/parent";
constexpr const char* kChildLabel = "runtime-test/child";
constexpr const char* kFieldManager = "runtime-test-operator";
constexpr const char* kLease = "runtime-test-lock";

const client::ApiResource& configMaps() {
  static const client::ApiResource resource =
      *client::builtinResourceMap().forKind("", "v1", "ConfigMap");
  return resource;
}
const client::ApiResource& leases() {
  static const client::ApiResource resource =
      *client::builtinResourceMap().forKind("coordination.k8s.io", "v1", "Lease");
  return resource;
}

// Applies `<parent>-child` with the parent's data and a controller reference to it.
class ChildReconciler final : public reconcile::Reconciler {
 public:
  ChildReconciler(client::ApiClient& api, const cache::Informer& parents)
      : api_(api), parents_(parents) {}

  reconcile::ReconcileResult reconcile(const reconcile::ReconcileContext& context,
                                       const reconcile::Request& request) override {
    ++passes_;
    const cache::ObjectPtr parent = parents_.store().get(request.str());
    if (parent == nullptr) {
      return reconcile::Result{};  // gone: the garbage collector removes the child
    }
    const nlohmann::json& metadata = parent->at("metadata");
    const nlohmann::json child = {{"apiVersion", "v1"},
                                  {"kind", "ConfigMap"},
                                  {"metadata",
                                   {{"name", request.name + "-child"},
                                    {"namespace", request.ns},
                                    {"labels", {{kChildLabel, "true"}}},
                                    {"ownerReferences",
                                     {{{"apiVersion", "v1"},
                                       {"kind", "ConfigMap"},
                                       {"name", request.name},
                                       {"uid", metadata.at("uid")},
                                       {"controller", true},
                                       {"blockOwnerDeletion", true}}}}}},
                                  {"data", parent->value("data", nlohmann::json::object())}};
    auto applied = api_.apply(configMaps(), request.ns, child, {.fieldManager = kFieldManager});
    if (!applied) {
      return Unexpected(reconcile::ReconcileError::retriable(applied.error().describe()));
    }
    context.logger.info("applied child",
                        {{"resourceVersion", applied->object["metadata"]["resourceVersion"]}});
    return reconcile::Result{};
  }
  int passes() const { return passes_.load(); }

 private:
  client::ApiClient& api_;
  const cache::Informer& parents_;
  std::atomic<int> passes_{0};
};

// GET http://127.0.0.1:PORT/PATH with the curl command: status code and body.
std::pair<int, std::string> httpGet(std::uint16_t port, const std::string& path) {
  const std::string command =
      "curl -s -o - -w '\\n%{http_code}' http://127.0.0.1:" + std::to_string(port) + path;
  std::string output;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
      output.append(buffer.data(), n);
    }
    pclose(pipe);
  }
  const std::size_t newline = output.rfind('\n');
  if (newline == std::string::npos) {
    return {0, output};
  }
  return {std::atoi(output.c_str() + newline + 1), output.substr(0, newline)};
}

// Polls `condition` every 100 ms for up to a minute.
bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(100ms);
  }
  return condition();
}

TEST(Manager, ReconcilesOwnedChildrenServesProbesAndMetricsAndStopsCleanly) {
  metrics::Registry registry;
  ASSERT_TRUE(metrics::registerStandardFamilies(registry));
  client::RegistryRequestObserver observer(registry);
  client::RestClientOptions clientOptions;
  clientOptions.observer = &observer;
  auto cluster = testing::connectToCluster(std::move(clientOptions));
  ASSERT_NE(cluster, nullptr);
  client::ApiClient& api = cluster->api();

  const client::ApiResource namespaces =
      *client::builtinResourceMap().forKind("", "v1", "Namespace");
  ASSERT_TRUE(
      api.apply(namespaces, "",
                {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", kNamespace}}}},
                {.fieldManager = kFieldManager}));
  auto parent = api.create(configMaps(), kNamespace,
                           {{"apiVersion", "v1"},
                            {"kind", "ConfigMap"},
                            {"metadata", {{"name", "p1"}, {"labels", {{kParentLabel, "true"}}}}},
                            {"data", {{"a", "1"}}}});
  ASSERT_TRUE(parent) << parent.error().describe();
  const std::string parentUid = parent->object["metadata"]["uid"];

  ManagerOptions options;
  options.metricsAddress = "127.0.0.1:0";
  options.probeAddress = "127.0.0.1:0";
  leaderelection::LeaderElectionConfig election;
  election.lockNamespace = kNamespace;
  election.lockName = kLease;
  election.identity = "manager-test";
  election.releaseOnCancel = true;
  options.leaderElection = election;
  options.logger = logging::Logger(logging::LogSink::toStderr());
  auto created = Manager::create(api, registry, std::move(options));
  ASSERT_TRUE(created) << created.error();
  Manager& manager = **created;

  cache::InformerOptions parentOptions;
  parentOptions.reflector.resource = configMaps();
  parentOptions.reflector.nameSpace = kNamespace;
  parentOptions.reflector.labelSelector = kParentLabel;
  cache::Informer& parents = manager.addInformer(std::move(parentOptions));
  cache::InformerOptions childOptions = {};
  childOptions.reflector.resource = configMaps();
  childOptions.reflector.nameSpace = kNamespace;
  childOptions.reflector.labelSelector = kChildLabel;
  cache::Informer& children = manager.addInformer(std::move(childOptions));
  ChildReconciler reconciler(api, parents);
  reconcile::ControllerOptions controllerOptions;
  controllerOptions.name = "configmap-child";
  controllerOptions.workers = 2;
  auto controller = manager.addController(std::move(controllerOptions), reconciler);
  ASSERT_TRUE(controller) << controller.error();
  parents.addEventHandler((*controller)->objectHandler());
  children.addEventHandler((*controller)->ownerHandler({"", "ConfigMap", true}));

  std::stop_source stop;
  std::atomic<int> exitCode{-1};
  std::thread running([&] { exitCode = manager.run(stop.get_token()); });

  // §10.14: one controller reference, with blockOwnerDeletion, to the parent's uid.
  nlohmann::json child;
  ASSERT_TRUE(eventually([&] {
    auto got = api.get(configMaps(), kNamespace, "p1-child");
    if (got) {
      child = got->object;
    }
    return got.has_value();
  }));
  ASSERT_EQ(child["metadata"]["ownerReferences"].size(), 1u);
  const nlohmann::json& ref = child["metadata"]["ownerReferences"][0];
  EXPECT_EQ(ref["uid"], parentUid);
  EXPECT_EQ(ref["controller"], true);
  EXPECT_EQ(ref["blockOwnerDeletion"], true);
  EXPECT_EQ(child["data"]["a"], "1");

  // §10.21: probes and metrics.
  EXPECT_TRUE(eventually([&] { return manager.probePort() != 0 && manager.metricsPort() != 0; }));
  EXPECT_EQ(httpGet(manager.probePort(), "/readyz"), (std::pair<int, std::string>{200, "ok"}));
  EXPECT_EQ(httpGet(manager.probePort(), "/healthz"), (std::pair<int, std::string>{200, "ok"}));
  const auto [metricsCode, metricsText] = httpGet(manager.metricsPort(), "/metrics");
  EXPECT_EQ(metricsCode, 200);
  for (const char* expected :
       {"controller_runtime_reconcile_total{controller=\"configmap-child\",result=\"success\"}",
        "controller_runtime_active_workers{controller=\"configmap-child\"} 0",
        "controller_runtime_max_concurrent_reconciles{controller=\"configmap-child\"} 2",
        "workqueue_adds_total{name=\"configmap-child\",controller=\"configmap-child\"}",
        "workqueue_queue_duration_seconds_bucket{name=\"configmap-child\","
        "controller=\"configmap-child\",le=\"1e-08\"}",
        "rest_client_requests_total{code=\"200\",method=\"PATCH\",host=",
        "leader_election_master_status{name=\"runtime-test-lock\"} 1",
        "process_resident_memory_bytes "}) {
    EXPECT_NE(metricsText.find(expected), std::string::npos) << expected;
  }

  // §10.11: an identical apply changes no resourceVersion.
  const std::string childRv = child["metadata"]["resourceVersion"];
  const int passes = reconciler.passes();
  (*controller)->enqueue({kNamespace, "p1"});
  ASSERT_TRUE(eventually([&] { return reconciler.passes() > passes; }));
  auto again = api.get(configMaps(), kNamespace, "p1-child");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->object["metadata"]["resourceVersion"], childRv);

  // §10.10, §10.12: someone else edits an owned field; the child's event reconciles the owner
  // and the forced apply takes the field back.
  ASSERT_TRUE(api.mergePatch(configMaps(), kNamespace, "p1-child", {{"data", {{"a", "edited"}}}}));
  EXPECT_TRUE(eventually([&] {
    auto got = api.get(configMaps(), kNamespace, "p1-child");
    return got && got->object["data"]["a"] == "1";
  }));
  // The parent changes: the child follows.
  ASSERT_TRUE(api.mergePatch(configMaps(), kNamespace, "p1", {{"data", {{"a", "2"}}}}));
  EXPECT_TRUE(eventually([&] {
    auto got = api.get(configMaps(), kNamespace, "p1-child");
    return got && got->object["data"]["a"] == "2";
  }));

  // §10.22: a stop request drains and exits 0, and the lease is handed back.
  const auto stopping = std::chrono::steady_clock::now();
  stop.request_stop();
  running.join();
  std::fprintf(stderr, "manager stopped %.2f s after the stop request\n",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - stopping).count());
  EXPECT_EQ(exitCode.load(), kExitOk);
  auto lease = api.get(leases(), kNamespace, kLease);
  ASSERT_TRUE(lease) << lease.error().describe();
  EXPECT_EQ(lease->object["spec"].value("holderIdentity", ""), "");
}

}  // namespace
}  // namespace cop::manager
