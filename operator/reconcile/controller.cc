#include "operator/reconcile/controller.h"

#include <cstdio>
#include <exception>
#include <utility>

#include "operator/metrics/standard_families.h"
#include "operator/queue/exponential_rate_limiter.h"

namespace cop::reconcile {

Expected<std::unique_ptr<Controller>, std::string> Controller::create(ControllerOptions options,
                                                                      Reconciler& reconciler) {
  if (options.name.empty()) {
    return Unexpected(std::string("a controller needs a name (its metrics' label)"));
  }
  std::unique_ptr<Controller> controller(new Controller(std::move(options), reconciler));
  const std::string& name = controller->options_.name;
  if (metrics::Registry* registry = controller->options_.registry) {
    COP_TRY(metrics::initControllerSeries(*registry, name));
    COP_ASSIGN_OR_RETURN(queueMetrics, QueueMetricsExporter::create(*registry, name));
    controller->queueMetrics_.emplace(std::move(queueMetrics));
    Metrics m;
    const std::vector<std::string> labels = {name};
    auto total = [&](std::string_view result) {
      return registry->counter(metrics::kReconcileTotal, {name, std::string(result)});
    };
    COP_ASSIGN_OR_RETURN(success, total(metrics::kResultSuccess));
    COP_ASSIGN_OR_RETURN(error, total(metrics::kResultError));
    COP_ASSIGN_OR_RETURN(requeueAfter, total(metrics::kResultRequeueAfter));
    COP_ASSIGN_OR_RETURN(errors, registry->counter(metrics::kReconcileErrorsTotal, labels));
    COP_ASSIGN_OR_RETURN(terminal,
                         registry->counter(metrics::kTerminalReconcileErrorsTotal, labels));
    COP_ASSIGN_OR_RETURN(panics, registry->counter(metrics::kReconcilePanicsTotal, labels));
    COP_ASSIGN_OR_RETURN(time, registry->histogram(metrics::kReconcileTimeSeconds, labels));
    COP_ASSIGN_OR_RETURN(active, registry->gauge(metrics::kActiveWorkers, labels));
    COP_ASSIGN_OR_RETURN(maxConcurrent, registry->gauge(metrics::kMaxConcurrentReconciles, labels));
    m = {success, error, requeueAfter, errors, terminal, panics, time, active};
    maxConcurrent->set(static_cast<double>(controller->options_.workers));
    controller->metrics_ = m;
  }
  queue::WorkQueueOptions queueOptions;
  queueOptions.clock = controller->options_.clock;
  queueOptions.metrics = controller->queueMetrics_ ? &*controller->queueMetrics_ : nullptr;
  queueOptions.rateLimiter = std::move(controller->options_.rateLimiter);
  controller->queue_ = std::make_unique<queue::WorkQueue>(std::move(queueOptions));
  return controller;
}

Controller::Controller(ControllerOptions options, Reconciler& reconciler)
    : options_(std::move(options)), reconciler_(reconciler), random_(std::random_device{}()) {}

Controller::~Controller() {
  stopping_.request_stop();
  if (pool_) {
    pool_->stop();
  } else if (queue_) {
    queue_->shutDown();
  }
}

std::shared_ptr<cache::EventHandler> Controller::objectHandler() {
  return std::make_shared<EnqueueObject>([this](const Request& r) { enqueue(r); });
}

std::shared_ptr<cache::EventHandler> Controller::ownerHandler(OwnerKind owner,
                                                              bool controllerOnly) {
  return std::make_shared<EnqueueOwner>(std::move(owner), controllerOnly,
                                        [this](const Request& r) { enqueue(r); });
}

std::shared_ptr<cache::EventHandler> Controller::mappedHandler(MapFunc map) {
  return std::make_shared<EnqueueMapped>(std::move(map), [this](const Request& r) { enqueue(r); });
}

void Controller::enqueue(const Request& request) {
  queue_->add(request);
}

void Controller::start() {
  if (pool_) {
    return;
  }
  pool_ = std::make_unique<queue::WorkerPool>(
      *queue_, [this](const Request& request) { process(request); }, options_.workers);
}

bool Controller::shutdown(std::chrono::milliseconds deadline) {
  stopping_.request_stop();
  queue_->shutDown();  // no new keys; the workers skip what is still queued (process())
  std::unique_lock lock(mutex_);
  const bool drained = idle_.wait_for(lock, deadline, [this] { return active_.load() == 0; });
  lock.unlock();
  if (drained && pool_) {
    pool_->stop();  // joins: every worker is between passes and the queue only drains
  }
  return drained;
}

std::string Controller::newReconcileId() {
  // A random RFC 4122 version-4 UUID, as controller-runtime's reconcileID (uuid.NewUUID).
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  {
    const std::lock_guard lock(mutex_);
    high = random_();
    low = random_();
  }
  high = (high & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xFFFF), static_cast<unsigned>(high & 0xFFFF),
                static_cast<unsigned>(low >> 48),
                static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
  return text;
}

void Controller::process(const Request& request) {
  if (stopping_.stop_requested()) {
    return;  // shutting down: no new pass (the key is dropped with the queue)
  }
  active_.fetch_add(1);
  if (metrics_) {
    metrics_->active->add(1);
  }
  ReconcileRecord record;
  record.controller = options_.name;
  record.request = request;
  record.reconcileId = newReconcileId();
  const ReconcileContext context{
      options_.name, record.reconcileId, stopping_.get_token(),
      logging::reconcileLogger(options_.logger, options_.name, request.ns, request.name,
                               record.reconcileId)};
  const auto started = std::chrono::steady_clock::now();
  std::optional<ReconcileResult> outcome;
  bool panicked = false;
  try {
    outcome.emplace(reconciler_.reconcile(context, request));
  } catch (const std::exception& e) {
    panicked = true;
    record.error = std::string("reconcile threw: ") + e.what();
  } catch (...) {
    panicked = true;
    record.error = "reconcile threw a non-standard exception";
  }
  record.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  if (panicked || !outcome->has_value()) {
    record.result = std::string(metrics::kResultError);
    record.terminal = !panicked && outcome->error().terminal;
    if (!panicked) {
      record.error = outcome->error().message;
    }
    if (!record.terminal) {
      queue_->addRateLimited(request);
    }
  } else if (const Result& result = outcome->value(); result.requeueAfter.count() > 0) {
    record.result = std::string(metrics::kResultRequeueAfter);
    record.requeueAfter = result.requeueAfter;
    queue_->forget(request);
    queue_->addAfter(request, result.requeueAfter);
  } else {
    record.result = std::string(metrics::kResultSuccess);
    queue_->forget(request);
  }

  if (metrics_) {
    metrics_->time->observe(record.seconds);
    if (record.result == metrics::kResultSuccess) {
      metrics_->success->inc();
    } else if (record.result == metrics::kResultRequeueAfter) {
      metrics_->requeueAfter->inc();
    } else {
      metrics_->error->inc();
      metrics_->errors->inc();
      if (record.terminal) {
        metrics_->terminal->inc();
      }
      if (panicked) {
        metrics_->panics->inc();
      }
    }
    metrics_->active->add(-1);
  }
  // controller-runtime logs "Reconciler error" at error level and successes only at V(5);
  // ours at debug, with the outcome, so a pass is traceable by its reconcileID.
  if (record.result == metrics::kResultError) {
    context.logger.error("Reconciler error", record.error,
                         {{"terminal", record.terminal}, {"seconds", record.seconds}});
  } else {
    context.logger.debug(
        "Reconcile finished",
        {{"result", record.result},
         {"requeueAfterSeconds", std::chrono::duration<double>(record.requeueAfter).count()},
         {"seconds", record.seconds}});
  }
  if (options_.onReconciled) {
    options_.onReconciled(record);
  }
  {
    const std::lock_guard lock(mutex_);
    active_.fetch_sub(1);
  }
  idle_.notify_all();
}

}  // namespace cop::reconcile
