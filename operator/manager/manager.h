#pragma once

// The manager (controller-runtime pkg/manager): one object that starts every long-lived part of
// the operator in order and stops them cleanly (issue 7 items 5, 6, 8; kube-runtime.md §5, §7,
// checklist §10 items 19-22):
//   1. the metrics server (/metrics) and the probe server (/healthz always; /readyz once every
//      informer has synced; a standby that does not lead is still ready);
//   2. the informers, then a wait for their first sync (CacheSyncTimeout);
//   3. leader election when configured, and the controllers once leading (at once without it);
//   4. on a stop request (SIGTERM): stop intake, let running reconciles finish within the
//      graceful-shutdown timeout, then release the lease, stop informers and servers: exit 0;
//   5. when leadership is lost: stop reconciling at once and exit non-zero, without a graceful
//      shutdown (controller-runtime: "leader election lost"), before the lease can expire.

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "operator/cache/informer.h"
#include "operator/client/api_client.h"
#include "operator/leaderelection/leader_elector.h"
#include "operator/logging/json_logger.h"
#include "operator/metrics/registry.h"
#include "operator/reconcile/controller.h"
#include "operator/serving/http_server.h"

namespace cop::manager {

// controller-runtime's defaults (pkg/manager/manager.go, pkg/metrics/server): metrics on :8080,
// probes on :8081 (operator-conventions.md §5).
inline constexpr const char* kDefaultMetricsAddress = ":8080";
inline constexpr const char* kDefaultProbeAddress = ":8081";
// controller-runtime manager.go defaultGracefulShutdownPeriod: 30 s for running reconciles.
inline constexpr std::chrono::milliseconds kDefaultGracefulShutdownTimeout{30'000};
// controller-runtime pkg/controller/controller.go CacheSyncTimeout: 2 min.
inline constexpr std::chrono::milliseconds kDefaultCacheSyncTimeout{120'000};

// Exit codes of run().
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;

struct ManagerOptions {
  // "" disables the server.
  std::string metricsAddress = kDefaultMetricsAddress;
  std::string probeAddress = kDefaultProbeAddress;
  // Unset: no leader election (a single replica).
  std::optional<leaderelection::LeaderElectionConfig> leaderElection;
  std::chrono::milliseconds gracefulShutdownTimeout = kDefaultGracefulShutdownTimeout;
  std::chrono::milliseconds cacheSyncTimeout = kDefaultCacheSyncTimeout;
  logging::Logger logger;
};

class Manager {
 public:
  // `api` and `registry` must outlive the manager; the registry must hold the standard
  // families (metrics::registerStandardFamilies).
  static Expected<std::unique_ptr<Manager>, std::string> create(client::ApiClient& api,
                                                                metrics::Registry& registry,
                                                                ManagerOptions options);
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;
  ~Manager();

  // An informer the manager starts and syncs before any controller runs. Before run() only.
  cache::Informer& addInformer(cache::InformerOptions options);
  // A controller started once leading; its metrics go to the manager's registry and its logs to
  // the manager's logger. Before run() only.
  Expected<reconcile::Controller*, std::string> addController(reconcile::ControllerOptions options,
                                                              reconcile::Reconciler& reconciler);

  // Runs until `stop` is requested (exit 0 after a clean shutdown) or something fails (exit 1:
  // a server cannot bind, the caches do not sync in time, leadership was lost, reconciles
  // outlived the graceful-shutdown timeout).
  int run(std::stop_token stop);

  // The bound ports (0 before run() or when disabled), for tests that bind port 0.
  std::uint16_t metricsPort() const;
  std::uint16_t probePort() const;
  bool isLeader() const;

 private:
  Manager(client::ApiClient& api, metrics::Registry& registry, ManagerOptions options);
  Expected<void, std::string> startServers();
  bool waitForCaches(std::stop_token stop);
  void startControllers();
  // Stops intake and waits for running reconciles; whether they finished in time.
  bool stopControllers(std::chrono::milliseconds deadline);
  void stopEverything();

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cop::manager
