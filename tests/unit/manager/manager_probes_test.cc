// The manager's probes and stop path over a scripted ApiClient (checklist §10 items 21, 22):
// /readyz fails while an informer has not synced and passes once it has, /healthz passes
// throughout (liveness never depends on the API server), and a stop request ends run() with 0
// even while the caches are still waiting. The real-server version is
// tests/integration/manager_test.cc.

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "operator/logging/log_sink.h"
#include "operator/manager/manager.h"
#include "operator/metrics/standard_families.h"
#include "tests/unit/informer/scripted_api_client.h"
#include "tests/unit/serving/http_test_client.h"

namespace cop::manager {
namespace {

using namespace std::chrono_literals;
using cache::testing::ScriptedApiClient;
using serving::testing::get;

ManagerOptions probeOnlyOptions() {
  ManagerOptions options;
  options.metricsAddress = "127.0.0.1:0";
  options.probeAddress = "127.0.0.1:0";
  options.cacheSyncTimeout = 60s;
  return options;
}

cache::InformerOptions configMapInformer() {
  cache::InformerOptions options;
  options.reflector.resource = *client::builtinResourceMap().forKind("", "v1", "ConfigMap");
  options.reflector.backoff = {client::Millis{1}, client::Millis{2}, 2.0, 0.0,
                               client::Millis{120'000}};
  return options;
}

// Waits (generously) for the manager to listen.
std::uint16_t awaitPort(const std::function<std::uint16_t()>& port) {
  for (int i = 0; i < 2000 && port() == 0; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  return port();
}

TEST(ManagerProbes, NotReadyUntilTheCachesSyncButAliveThroughout) {
  ScriptedApiClient api;
  for (int i = 0; i < 100'000; ++i) {
    api.addListError(cache::testing::apiError(503, "ServiceUnavailable"));
  }
  metrics::Registry registry;
  ASSERT_TRUE(metrics::registerStandardFamilies(registry));
  auto manager = Manager::create(api, registry, probeOnlyOptions());
  ASSERT_TRUE(manager) << manager.error();
  (*manager)->addInformer(configMapInformer());
  std::stop_source stop;
  int exitCode = -1;
  std::thread running([&] { exitCode = (*manager)->run(stop.get_token()); });

  const std::uint16_t probes = awaitPort([&] { return (*manager)->probePort(); });
  ASSERT_NE(probes, 0);
  const auto ready = get(probes, "/readyz?verbose");
  EXPECT_EQ(ready.status, 500);
  EXPECT_NE(ready.body.find("[-]informers-synced failed: reason withheld"), std::string::npos)
      << ready.body;
  EXPECT_EQ(get(probes, "/healthz").status, 200);
  const std::uint16_t metricsPort = awaitPort([&] { return (*manager)->metricsPort(); });
  EXPECT_EQ(get(metricsPort, "/metrics").status, 200);

  stop.request_stop();  // while the caches still wait: a clean stop, not a failure
  running.join();
  EXPECT_EQ(exitCode, kExitOk);
}

// A refused LIST (403: the RBAC lacks a rule) is logged at once with the API's message, as
// client-go logs it, instead of only as a cache that never syncs.
TEST(ManagerProbes, ARefusedListIsLoggedWithTheApiMessage) {
  ScriptedApiClient api;
  client::ApiError forbidden = cache::testing::apiError(403, "Forbidden");
  forbidden.message = "configmaps is forbidden: User \"system:serviceaccount:ops:op\" cannot list";
  for (int i = 0; i < 100'000; ++i) {
    api.addListError(forbidden);
  }
  metrics::Registry registry;
  ASSERT_TRUE(metrics::registerStandardFamilies(registry));
  std::ostringstream out;
  ManagerOptions options = probeOnlyOptions();
  options.logger = logging::Logger(logging::LogSink::toStream(out));
  auto manager = Manager::create(api, registry, std::move(options));
  ASSERT_TRUE(manager) << manager.error();
  (*manager)->addInformer(configMapInformer());
  std::stop_source stop;
  std::thread running([&] { (*manager)->run(stop.get_token()); });
  for (int i = 0; i < 2000 && api.lists().size() < 2; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  stop.request_stop();
  running.join();

  const std::string log = out.str();
  EXPECT_NE(log.find("\"msg\":\"Failed to list\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"resource\":\"configmaps\""), std::string::npos) << log;
  EXPECT_NE(log.find("cannot list"), std::string::npos) << log;
}

TEST(ManagerProbes, ReadyOnceEveryInformerHasSynced) {
  ScriptedApiClient api;
  client::ListPage empty;
  empty.resourceVersion = "1";
  api.addPage(empty);
  api.addPage(empty);
  metrics::Registry registry;
  ASSERT_TRUE(metrics::registerStandardFamilies(registry));
  auto manager = Manager::create(api, registry, probeOnlyOptions());
  ASSERT_TRUE(manager) << manager.error();
  (*manager)->addInformer(configMapInformer());
  (*manager)->addInformer(configMapInformer());
  std::stop_source stop;
  int exitCode = -1;
  std::thread running([&] { exitCode = (*manager)->run(stop.get_token()); });

  api.awaitIdleWatches(2);  // both informers listed and now watch
  const std::uint16_t probes = awaitPort([&] { return (*manager)->probePort(); });
  EXPECT_EQ(get(probes, "/readyz").status, 200);
  EXPECT_TRUE((*manager)->isLeader());  // no leader election: it leads alone
  stop.request_stop();
  running.join();
  EXPECT_EQ(exitCode, kExitOk);
}

TEST(ManagerProbes, AnInvalidLeaderElectionConfigIsRefused) {
  ScriptedApiClient api;
  metrics::Registry registry;
  ManagerOptions options = probeOnlyOptions();
  leaderelection::LeaderElectionConfig election;
  election.lockNamespace = "ns";
  election.lockName = "lock";
  election.renewDeadline = election.leaseDuration;  // must be shorter
  options.leaderElection = election;
  EXPECT_FALSE(Manager::create(api, registry, std::move(options)));
}

TEST(ManagerProbes, APortInUseFailsTheRunWithExitOne) {
  ScriptedApiClient api;
  metrics::Registry registry;
  ASSERT_TRUE(metrics::registerStandardFamilies(registry));
  auto first = Manager::create(api, registry, probeOnlyOptions());
  ASSERT_TRUE(first);
  std::stop_source stop;
  std::thread running([&] { (*first)->run(stop.get_token()); });
  const std::uint16_t taken = awaitPort([&] { return (*first)->probePort(); });
  ASSERT_NE(taken, 0);
  ManagerOptions clash = probeOnlyOptions();
  clash.probeAddress = "127.0.0.1:" + std::to_string(taken);
  metrics::Registry other;
  ASSERT_TRUE(metrics::registerStandardFamilies(other));
  auto second = Manager::create(api, other, std::move(clash));
  ASSERT_TRUE(second);
  EXPECT_EQ((*second)->run(std::stop_token()), kExitFailed);
  stop.request_stop();
  running.join();
}

}  // namespace
}  // namespace cop::manager
