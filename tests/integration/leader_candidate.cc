// One candidate for leadership, run as a real process by e2e/tests/leader-election (checklist
// §10 items 19 and 22, kube-runtime.md §5): a tiny operator with the manager's servers, one
// informer and one controller, under leader election on a Lease with releaseOnCancel.
//
//   runtime_leader_candidate NAMESPACE LEASE IDENTITY      (KUBECONFIG names the cluster)
//
// stdout carries only the events the script times, one JSON object per line:
//   {"event":"started_leading","identity":...,"unixMillis":...}  the controllers started
//   {"event":"exited","identity":...,"code":N,"unixMillis":...}  run() returned N
// The logs go to stderr. SIGTERM: the manager drains, releases the lease and exits 0.
//
// "Started leading" is seen through the controller, not by polling Manager::isLeader(): a key
// enqueued before run() waits until the manager starts the controllers, which it does only
// from the elector's onStartedLeading, so its reconcile marks the start of the guarded work
// itself, at once, without a polling delay, and without reading the manager's elector pointer
// while run() assigns it on another thread.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>

#include "operator/client/cluster_connection.h"
#include "operator/client/rest_client.h"
#include "operator/manager/manager.h"
#include "operator/metrics/standard_families.h"
#include "operator/serving/shutdown_signal.h"

namespace {

using namespace cop;

// Exit codes besides the manager's own (kExitOk, kExitFailed).
constexpr int kExitUsage = 2;
constexpr int kExitSetupFailed = 3;
constexpr int kArgumentCount = 4;  // program, namespace, lease, identity

// The key that marks the start of leadership; not a real ConfigMap name (a ConfigMap name
// cannot start with "_"), so no informer event can stand in for it.
constexpr const char* kLeadingMarker = "__started-leading";
constexpr const char* kControllerName = "leader-candidate";

std::mutex stdoutMutex;

long long unixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One event line on stdout, flushed at once: the script reads it while the process runs.
void printEvent(nlohmann::json event) {
  event["unixMillis"] = unixMillis();
  const std::lock_guard lock(stdoutMutex);
  std::printf("%s\n", event.dump().c_str());
  std::fflush(stdout);
}

// Counts passes; the marker key announces leadership once.
class CountingReconciler final : public reconcile::Reconciler {
 public:
  explicit CountingReconciler(std::string identity) : identity_(std::move(identity)) {}

  reconcile::ReconcileResult reconcile(const reconcile::ReconcileContext& context,
                                       const reconcile::Request& request) override {
    if (request.name == kLeadingMarker) {
      if (!announced_.exchange(true)) {
        printEvent({{"event", "started_leading"}, {"identity", identity_}});
      }
      return reconcile::Result{};
    }
    const int passes = ++passes_;
    context.logger.info("reconciled", {{"passes", passes}});
    return reconcile::Result{};
  }

 private:
  std::string identity_;
  std::atomic<bool> announced_{false};
  std::atomic<int> passes_{0};
};

Expected<std::unique_ptr<client::ClusterConnection>, std::string> connect() {
  if (std::getenv("KUBECONFIG") == nullptr) {
    return Unexpected(std::string("KUBECONFIG is not set"));
  }
  return client::connectToCluster();
}

int runCandidate(const std::string& nameSpace, const std::string& lease,
                 const std::string& identity) {
  const logging::Logger logger =
      logging::Logger(logging::LogSink::toStderr()).withValues({{"identity", identity}});
  auto cluster = connect();
  if (!cluster) {
    logger.error("Cannot connect to the cluster", cluster.error());
    return kExitSetupFailed;
  }
  client::ApiClient& api = (*cluster)->api();

  metrics::Registry registry;
  if (auto registered = metrics::registerStandardFamilies(registry); !registered) {
    logger.error("Cannot register the metric families", registered.error());
    return kExitSetupFailed;
  }
  manager::ManagerOptions options;
  // Port 0: several candidates run side by side on one machine.
  options.metricsAddress = "127.0.0.1:0";
  options.probeAddress = "127.0.0.1:0";
  leaderelection::LeaderElectionConfig election;  // 15/10/2 s, controller-runtime's defaults
  election.lockNamespace = nameSpace;
  election.lockName = lease;
  election.identity = identity;
  election.releaseOnCancel = true;  // every controller has stopped before the lease is released
  options.leaderElection = election;
  options.logger = logger;
  auto created = manager::Manager::create(api, registry, std::move(options));
  if (!created) {
    logger.error("Cannot create the manager", created.error());
    return kExitSetupFailed;
  }
  manager::Manager& manager = **created;

  cache::InformerOptions informerOptions;
  informerOptions.reflector.resource = *client::builtinResourceMap().forKind("", "v1", "ConfigMap");
  informerOptions.reflector.nameSpace = nameSpace;
  cache::Informer& configMaps = manager.addInformer(std::move(informerOptions));
  CountingReconciler reconciler(identity);
  reconcile::ControllerOptions controllerOptions;
  controllerOptions.name = kControllerName;
  auto controller = manager.addController(std::move(controllerOptions), reconciler);
  if (!controller) {
    logger.error("Cannot add the controller", controller.error());
    return kExitSetupFailed;
  }
  configMaps.addEventHandler((*controller)->objectHandler());
  (*controller)->enqueue({nameSpace, kLeadingMarker});

  std::stop_source stop;
  auto signal = serving::ShutdownSignal::install(stop, logger);
  if (!signal) {
    logger.error("Cannot watch for shutdown signals", signal.error());
    return kExitSetupFailed;
  }
  return manager.run(stop.get_token());
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread starts, so that every thread inherits the blocked signals.
  if (auto blocked = cop::serving::blockShutdownSignals(); !blocked) {
    std::fprintf(stderr, "cannot block the shutdown signals: %s\n", blocked.error().c_str());
    return kExitSetupFailed;
  }
  if (argc != kArgumentCount) {
    std::fprintf(stderr, "usage: %s NAMESPACE LEASE IDENTITY (with KUBECONFIG set)\n", argv[0]);
    return kExitUsage;
  }
  const std::string identity = argv[3];
  const int code = runCandidate(argv[1], argv[2], identity);
  printEvent({{"event", "exited"}, {"identity", identity}, {"code", code}});
  return code;
}
