#include "operator/manager/manager.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "operator/leaderelection/registry_election_metrics.h"
#include "operator/serving/health_checks.h"
#include "operator/serving/metrics_endpoint.h"
#include "operator/serving/process_metrics.h"

namespace cop::manager {
namespace {

// The liveness check: the process loop runs. It never asks the API server, or an API outage
// would restart every replica (kube-runtime.md §7).
constexpr const char* kPingCheck = "ping";
// The readiness check: every informer has synced (§7, §10 item 21).
constexpr const char* kCachesCheck = "informers-synced";

// As client-go's reflector: each failed request at error level ("Failed to watch", with the
// API's message, which names the verb, resource and user a 403 refused), except 410 Expired,
// which only starts a relist and is logged at debug level.
std::function<void(std::string_view, const client::ApiError&)> reflectorFailureLogger(
    const logging::Logger& log, const cache::ReflectorOptions& options) {
  constexpr int kExpired = 410;
  logging::Fields fields{{"resource", options.resource.resource},
                         {"groupVersion", options.resource.groupVersion()}};
  if (!options.nameSpace.empty()) {
    fields.push_back({"namespace", options.nameSpace});
  }
  return [log = log.withValues(std::move(fields))](std::string_view verb,
                                                   const client::ApiError& error) {
    const std::string message = std::string("Failed to ").append(verb);
    if (error.code == kExpired) {
      log.debug(message, {{"error", error.describe()}});
    } else {
      log.error(message, error.describe());
    }
  };
}

}  // namespace

struct Manager::Impl {
  client::ApiClient& api;
  metrics::Registry& registry;
  ManagerOptions options;
  logging::Logger log;

  std::vector<std::unique_ptr<cache::Informer>> informers;
  std::vector<std::unique_ptr<reconcile::Controller>> controllers;

  std::unique_ptr<serving::ProcessMetrics> processMetrics;
  std::unique_ptr<serving::MetricsEndpoint> metricsEndpoint;
  std::unique_ptr<serving::HttpServer> metricsServer;
  std::unique_ptr<serving::HealthProbes> probes;
  std::unique_ptr<serving::HttpServer> probeServer;

  std::unique_ptr<leaderelection::RegistryElectionMetrics> electionMetrics;
  std::unique_ptr<leaderelection::LeaderElector> elector;
  std::jthread electorThread;

  // Set once each server listens; read by other threads (tests that bind port 0).
  std::atomic<std::uint16_t> metricsPort{0};
  std::atomic<std::uint16_t> probePort{0};

  std::mutex mutex;
  std::condition_variable_any changed;
  bool controllersStarted = false;  // guarded by mutex
  bool leadershipLost = false;      // guarded by mutex

  Impl(client::ApiClient& a, metrics::Registry& r, ManagerOptions o)
      : api(a), registry(r), options(std::move(o)), log(options.logger.withName("manager")) {}
};

Manager::Manager(client::ApiClient& api, metrics::Registry& registry, ManagerOptions options)
    : impl_(std::make_unique<Impl>(api, registry, std::move(options))) {}

Manager::~Manager() {
  stopEverything();
}

Expected<std::unique_ptr<Manager>, std::string> Manager::create(client::ApiClient& api,
                                                                metrics::Registry& registry,
                                                                ManagerOptions options) {
  if (options.leaderElection) {
    COP_TRY(leaderelection::validateConfig(*options.leaderElection));
  }
  return std::unique_ptr<Manager>(new Manager(api, registry, std::move(options)));
}

cache::Informer& Manager::addInformer(cache::InformerOptions options) {
  if (!options.reflector.onRequestFailed) {
    options.reflector.onRequestFailed =
        reflectorFailureLogger(impl_->log.withName("reflector"), options.reflector);
  }
  impl_->informers.push_back(std::make_unique<cache::Informer>(impl_->api, std::move(options)));
  return *impl_->informers.back();
}

Expected<reconcile::Controller*, std::string> Manager::addController(
    reconcile::ControllerOptions options, reconcile::Reconciler& reconciler) {
  options.registry = &impl_->registry;
  options.logger = impl_->options.logger.withName(options.name);
  COP_ASSIGN_OR_RETURN(controller, reconcile::Controller::create(std::move(options), reconciler));
  impl_->controllers.push_back(std::move(controller));
  return impl_->controllers.back().get();
}

Expected<void, std::string> Manager::startServers() {
  Impl& m = *impl_;
  if (!m.options.metricsAddress.empty()) {
    COP_ASSIGN_OR_RETURN(process, serving::ProcessMetrics::create(m.registry));
    m.processMetrics = std::move(process);
    m.metricsEndpoint = std::make_unique<serving::MetricsEndpoint>(
        m.registry, m.processMetrics.get(), m.log.withName("metrics"));
    m.metricsServer = std::make_unique<serving::HttpServer>(
        serving::HttpServerOptions{.bindAddress = m.options.metricsAddress});
    COP_TRY(m.metricsEndpoint->mount(*m.metricsServer));
    COP_TRY(m.metricsServer->start());
    m.metricsPort = m.metricsServer->port();
  }
  if (!m.options.probeAddress.empty()) {
    m.probes = std::make_unique<serving::HealthProbes>(m.log);
    COP_TRY(m.probes->liveness.add(kPingCheck, [] { return Expected<void, std::string>(); }));
    COP_TRY(m.probes->readiness.add(kCachesCheck, [&m]() -> Expected<void, std::string> {
      for (const auto& informer : m.informers) {
        if (!informer->hasSynced()) {
          return Unexpected(std::string("the cache of ") + informer->options().resource.resource +
                            " has not synced");
        }
      }
      return {};
    }));
    m.probeServer = std::make_unique<serving::HttpServer>(
        serving::HttpServerOptions{.bindAddress = m.options.probeAddress});
    COP_TRY(m.probes->mount(*m.probeServer));
    COP_TRY(m.probeServer->start());
    m.probePort = m.probeServer->port();
  }
  return {};
}

bool Manager::waitForCaches(std::stop_token stop) {
  const auto deadline = std::chrono::steady_clock::now() + impl_->options.cacheSyncTimeout;
  for (const auto& informer : impl_->informers) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!informer->waitForSync(std::max(left, std::chrono::milliseconds(0)), stop)) {
      if (!stop.stop_requested()) {
        impl_->log.error("Could not wait for Cache to sync",
                         "timed out waiting for the cache of " +
                             informer->options().resource.resource + " to sync");
      }
      return false;
    }
  }
  return true;
}

void Manager::startControllers() {
  const std::lock_guard lock(impl_->mutex);
  if (impl_->controllersStarted) {
    return;
  }
  impl_->controllersStarted = true;
  for (const auto& controller : impl_->controllers) {
    impl_->log.info("Starting workers", {{"controller", controller->name()}});
    controller->start();
  }
}

bool Manager::stopControllers(std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  bool drained = true;
  for (const auto& controller : impl_->controllers) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (!controller->shutdown(std::max(left, std::chrono::milliseconds(0)))) {
      impl_->log.error("Reconciles did not finish within the graceful shutdown timeout",
                       "graceful shutdown timed out", {{"controller", controller->name()}});
      drained = false;
    }
  }
  return drained;
}

int Manager::run(std::stop_token stop) {
  Impl& m = *impl_;
  if (auto started = startServers(); !started) {
    m.log.error("Could not start the metrics or probe server", started.error());
    stopEverything();
    return kExitFailed;
  }
  m.log.info("Starting informers", {{"count", m.informers.size()}});
  for (const auto& informer : m.informers) {
    informer->start();
  }
  if (!waitForCaches(stop)) {
    stopEverything();
    return stop.stop_requested() ? kExitOk : kExitFailed;
  }

  if (m.options.leaderElection) {
    m.electionMetrics = std::make_unique<leaderelection::RegistryElectionMetrics>(m.registry);
    leaderelection::ElectorEnvironment environment;
    environment.metrics = m.electionMetrics.get();
    const logging::Logger electionLog = m.log.withName("leaderelection");
    environment.log = [electionLog](const std::string& line) { electionLog.info(line); };
    leaderelection::LeaderCallbacks callbacks;
    callbacks.onStartedLeading = [this] { startControllers(); };
    callbacks.onStoppedLeading = [this](leaderelection::LeadershipEnd end) {
      if (end == leaderelection::LeadershipEnd::Lost) {
        const std::lock_guard lock(impl_->mutex);
        impl_->leadershipLost = true;
        impl_->changed.notify_all();
      }
    };
    auto elector = leaderelection::LeaderElector::create(m.api, *m.options.leaderElection,
                                                         std::move(callbacks), environment);
    if (!elector) {
      m.log.error("Could not start leader election", elector.error());
      stopEverything();
      return kExitFailed;
    }
    {
      const std::lock_guard lock(m.mutex);  // isLeader() reads it from other threads
      m.elector = std::move(*elector);
    }
    m.log.info("attempting to acquire leader lease",
               {{"lease", m.options.leaderElection->lockNamespace + "/" +
                              m.options.leaderElection->lockName},
                {"identity", m.elector->identity()}});
    m.electorThread =
        std::jthread([&m](std::stop_token electorStop) { m.elector->run(electorStop); });
  } else {
    startControllers();
  }

  bool lost = false;
  {
    std::unique_lock lock(m.mutex);
    m.changed.wait(lock, stop, [&m] { return m.leadershipLost; });
    lost = m.leadershipLost;
  }
  if (lost) {
    // No graceful shutdown: another replica may lead soon, so no reconcile may go on
    // (controller-runtime returns "leader election lost" and the process exits).
    m.log.error("leader election lost", "the lease could not be renewed within the renew deadline");
    stopControllers(std::chrono::milliseconds(0));
    stopEverything();
    return kExitFailed;
  }
  m.log.info("Stopping and waiting for reconciles to finish",
             {{"timeoutSeconds",
               std::chrono::duration<double>(m.options.gracefulShutdownTimeout).count()}});
  const bool drained = stopControllers(m.options.gracefulShutdownTimeout);
  stopEverything();  // the lease is released only now, after the reconciles stopped
  m.log.info("Stopped", {{"drained", drained}});
  return drained ? kExitOk : kExitFailed;
}

void Manager::stopEverything() {
  Impl& m = *impl_;
  if (m.electorThread.joinable()) {
    m.electorThread.request_stop();
    m.electorThread.join();
  }
  for (const auto& informer : m.informers) {
    informer->stop();
  }
  if (m.probeServer) {
    m.probeServer->stop();
  }
  if (m.metricsServer) {
    m.metricsServer->stop();
  }
}

std::uint16_t Manager::metricsPort() const {
  return impl_->metricsPort.load();
}

std::uint16_t Manager::probePort() const {
  return impl_->probePort.load();
}

bool Manager::isLeader() const {
  if (!impl_->options.leaderElection) {
    return true;  // a single replica leads alone
  }
  const leaderelection::LeaderElector* elector = nullptr;
  {
    const std::lock_guard lock(impl_->mutex);
    elector = impl_->elector.get();  // lives as long as the manager once set
  }
  return elector != nullptr && elector->isLeader();
}

}  // namespace cop::manager
