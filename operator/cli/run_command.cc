#include "operator/cli/run_command.h"

#include <cstdlib>
#include <iostream>

#include "operator/apply/apply_cache.h"
#include "operator/cli/convert_command.h"
#include "operator/cli/run_options.h"
#include "operator/client/cluster_connection.h"
#include "operator/client/rest_metrics.h"
#include "operator/leaderelection/identity.h"
#include "operator/logging/log_level.h"
#include "operator/manager/manager.h"
#include "operator/metrics/standard_families.h"
#include "operator/serving/shutdown_signal.h"
#include "operator/stack/cluster_sources.h"
#include "operator/stack/source_index.h"
#include "operator/stack/stack_caches.h"
#include "operator/stack/stack_reconciler.h"
#include "operator/translate/defaults.h"

namespace cop::cli {

namespace {

constexpr const char* kControllerName = "composestack";
// Our children carry it (translate/stack_context.cc); the caches of our kinds filter on it.
constexpr const char* kManagedBySelector = "app.kubernetes.io/managed-by=compose-operator";
// The pod's name, from the downward API (the chart sets it): the events' reporting instance.
constexpr const char* kPodNameVariable = "POD_NAME";
// How long an applied object's (resourceVersion, hash) is trusted. Longer than the informers'
// resync (10 h), so that a resync with nothing changed sends no write: an unchanged live
// resourceVersion proves nobody changed the object since our apply, however long ago. The
// bound on memory is the cache's capacity (LRU).
constexpr std::chrono::hours kApplyCacheTtl{24};
// kubebuilder's convention: a bind address of "0" turns the server off.
constexpr const char* kDisabledAddress = "0";

std::string bindAddress(const std::string& flag) {
  return flag == kDisabledAddress ? std::string() : flag;
}

std::string instanceName() {
  if (const char* pod = std::getenv(kPodNameVariable); pod != nullptr && *pod != '\0') {
    return pod;
  }
  auto host = leaderelection::localHostname();
  return host ? *host : std::string("compose-operator");
}

// One informer per watched namespace (or one for the cluster) for a kind.
void addKind(manager::Manager& manager, stack::KindCache& cache,
             const client::ApiResource& resource, const std::vector<std::string>& namespaces,
             const std::string& labelSelector, bool metadataOnly) {
  const std::vector<std::string> scopes =
      namespaces.empty() ? std::vector<std::string>{""} : namespaces;
  for (const std::string& scope : scopes) {
    cache::InformerOptions options;
    options.reflector.resource = resource;
    options.reflector.nameSpace = scope;
    options.reflector.labelSelector = labelSelector;
    options.reflector.metadataOnly = metadataOnly;
    cache.add(manager.addInformer(std::move(options)), scope);
  }
}

// The stack a labelled object belongs to (pods, retained claims).
std::vector<reconcile::Request> stackOfLabel(const nlohmann::json& object) {
  const std::string stack = stack::labelOf(object, translate::kStackLabel);
  if (stack.empty()) {
    return {};
  }
  return {{object.at("metadata").value("namespace", ""), stack}};
}

}  // namespace

int runOperator(const std::vector<std::string>& args) {
  auto parsed = parseRunOptions(args);
  if (!parsed) {
    std::cerr << "error: " << parsed.error() << "\n" << kRunUsage;
    return kExitUsage;
  }
  const RunOptions& options = *parsed;
  if (options.help) {
    std::cout << kRunUsage;
    return kExitOk;
  }
  auto level = logging::parseLogLevel(options.logLevel);
  if (!level) {
    std::cerr << "error: --log-level: " << level.error() << "\n";
    return kExitUsage;
  }
  const logging::Logger logger =
      logging::Logger(logging::LogSink::toStderr(*level)).withName("compose-operator");

  metrics::Registry registry;
  if (auto registered = metrics::registerStandardFamilies(registry); !registered) {
    logger.error("Cannot register the metric families", registered.error());
    return kExitInputError;
  }
  client::RegistryRequestObserver observer(registry);
  client::RestClientOptions clientOptions;
  clientOptions.observer = &observer;
  clientOptions.qps = options.qps;
  clientOptions.burst = options.burst;
  clientOptions.warningHandler = [&logger](std::string_view warning) {
    logger.v(1).info("API server warning", {{"warning", std::string(warning)}});
  };
  auto cluster = client::connectToCluster({options.kubeconfig, ""}, std::move(clientOptions));
  if (!cluster) {
    logger.error("Cannot connect to the cluster", cluster.error());
    return kExitInputError;
  }
  client::ApiClient& api = (*cluster)->api();

  manager::ManagerOptions managerOptions;
  managerOptions.metricsAddress = bindAddress(options.metricsBindAddress);
  managerOptions.probeAddress = bindAddress(options.probeBindAddress);
  managerOptions.logger = logger;
  if (options.leaderElect) {
    leaderelection::LeaderElectionConfig election;
    election.lockNamespace = !options.leaderElectionNamespace.empty()
                                 ? options.leaderElectionNamespace
                                 : (*cluster)->config.namespaceName;
    if (election.lockNamespace.empty()) {
      logger.error("Cannot elect a leader", "--leader-election-namespace is needed outside a pod");
      return kExitUsage;
    }
    election.lockName = options.leaderElectionId;
    election.releaseOnCancel = true;  // controllers have stopped when the lease is released
    managerOptions.leaderElection = election;
  }
  auto created = manager::Manager::create(api, registry, std::move(managerOptions));
  if (!created) {
    logger.error("Cannot create the manager", created.error());
    return kExitInputError;
  }
  manager::Manager& manager = **created;

  // client -> cache
  stack::StackCaches caches;
  addKind(manager, caches.stacks, stack::composeStackResource(), options.namespaces,
          options.watchLabelSelector, false);
  addKind(manager, caches.pods, stack::podResource(), options.namespaces, kManagedBySelector,
          false);
  for (const client::ApiResource& resource : stack::managedResources()) {
    // The user's Secrets and ConfigMaps that a spec names are not labelled: those two kinds
    // are cached unfiltered, metadata only.
    const bool sources = resource.kind == "Secret" || resource.kind == "ConfigMap";
    addKind(manager, caches.byKind[resource.kind], resource, options.namespaces,
            sources ? "" : kManagedBySelector, !stack::needsFullObjects(resource.kind));
  }

  // queue -> reconcile
  stack::ClusterSources sources(api);
  apply::ApplyCache applyCache(apply::kApplyCacheCapacity, kApplyCacheTtl);
  stack::EventRecorder events(api, instanceName());
  stack::StackReconciler reconciler(api, caches, sources, applyCache, events);
  reconcile::ControllerOptions controllerOptions;
  controllerOptions.name = kControllerName;
  controllerOptions.workers = options.workers;
  auto controller = manager.addController(std::move(controllerOptions), reconciler);
  if (!controller) {
    logger.error("Cannot add the controller", controller.error());
    return kExitInputError;
  }
  auto index = std::make_shared<stack::SourceIndex>();
  caches.stacks.addEventHandler(index);  // before the controller's: a key sees a current index
  caches.stacks.addEventHandler((*controller)->objectHandler());
  const auto owned = (*controller)->ownerHandler({stack::kGroup, stack::kKind, true});
  const auto labelled = (*controller)->mappedHandler(stackOfLabel);
  caches.pods.addEventHandler(labelled);
  for (auto& [kind, cache] : caches.byKind) {
    cache.addEventHandler(owned);
    if (kind == "PersistentVolumeClaim") {
      cache.addEventHandler(labelled);  // retained claims have no owner
    }
    if (kind == "Secret" || kind == "ConfigMap") {
      const stack::SourceKind sourceKind =
          kind == "Secret" ? stack::SourceKind::kSecret : stack::SourceKind::kConfigMap;
      cache.addEventHandler(
          (*controller)->mappedHandler([index, sourceKind](const nlohmann::json& object) {
            const nlohmann::json& metadata = object.at("metadata");
            return index->stacksReading(sourceKind, metadata.value("namespace", ""),
                                        metadata.value("name", ""));
          }));
    }
  }

  std::stop_source stop;
  auto signal = serving::ShutdownSignal::install(stop, logger);
  if (!signal) {
    logger.error("Cannot watch for shutdown signals", signal.error());
    return kExitInputError;
  }
  logger.info("Starting the operator",
              {{"namespaces", options.namespaces.empty() ? nlohmann::json("all")
                                                         : nlohmann::json(options.namespaces)},
               {"watchLabelSelector", options.watchLabelSelector},
               {"workers", options.workers},
               {"leaderElect", options.leaderElect}});
  return manager.run(stop.get_token());
}

}  // namespace cop::cli
