#pragma once

// A controller (controller-runtime pkg/internal/controller, kube-runtime.md §2.3): informer
// events become namespace/name keys in a rate-limited work queue; workers take keys, one worker
// per key at a time, and run the Reconciler; its answer decides what happens to the key:
//   error           -> back off per key and retry (result "error")
//   terminal error  -> not retried (result "error", terminal_reconcile_errors_total)
//   requeueAfter>0  -> forget the failures, add again after that time ("requeue_after")
//   success         -> forget the failures ("success")
// An exception out of the Reconciler counts as a panic and is retried like an error.
// Metrics are controller-runtime's and the work queue's (§7).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <stop_token>
#include <string>

#include "operator/cache/event_handler.h"
#include "operator/metrics/registry.h"
#include "operator/queue/work_queue.h"
#include "operator/queue/worker_pool.h"
#include "operator/reconcile/enqueue_handlers.h"
#include "operator/reconcile/queue_metrics_exporter.h"
#include "operator/reconcile/reconciler.h"

namespace cop::reconcile {

// What one pass did, for the log line the manager writes per reconcile.
struct ReconcileRecord {
  std::string controller;
  Request request;
  std::string reconcileId;
  std::string result;  // success, error, requeue_after (metrics' `result` label values)
  bool terminal = false;
  std::string error;  // the ReconcileError message or the exception's what()
  std::chrono::milliseconds requeueAfter{0};
  double seconds = 0.0;
};

struct ControllerOptions {
  std::string name;  // the `controller` label and the queue's name
  std::size_t workers = queue::kDefaultWorkers;
  metrics::Registry* registry = nullptr;  // null: no metrics; else holds the standard families
  queue::Clock* clock = nullptr;          // null: the steady clock; tests pass a FakeClock
  std::unique_ptr<queue::RateLimiter> rateLimiter;  // null: 5 ms doubling to 1000 s
  // The base of each pass's logger (reconcileLogger adds the pass's fields). Default: silent.
  logging::Logger logger;
  // Called after every pass, on the worker's thread.
  std::function<void(const ReconcileRecord&)> onReconciled;
};

class Controller {
 public:
  static Expected<std::unique_ptr<Controller>, std::string> create(ControllerOptions options,
                                                                   Reconciler& reconciler);
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;
  ~Controller();

  // Handlers to register on informers: the watched kind's own objects, and children whose
  // (controller) ownerReference names an object of kind `owner`.
  std::shared_ptr<cache::EventHandler> objectHandler();
  std::shared_ptr<cache::EventHandler> ownerHandler(OwnerKind owner, bool controllerOnly = true);

  // Children related by something else (a label, a reference in the owner's spec).
  std::shared_ptr<cache::EventHandler> mappedHandler(MapFunc map);
  void enqueue(const Request& request);

  // Starts the workers. Keys queued before start() wait for it.
  void start();
  // Stops taking work: no new pass starts, queued keys are dropped, and passes in progress get
  // a stop request. Waits up to `deadline` for them to finish; returns whether they did.
  bool shutdown(std::chrono::milliseconds deadline);

  queue::WorkQueue& workQueue() { return *queue_; }
  const std::string& name() const { return options_.name; }
  std::size_t activeWorkers() const { return active_.load(); }

 private:
  Controller(ControllerOptions options, Reconciler& reconciler);
  void process(const Request& request);
  std::string newReconcileId();

  struct Metrics {
    metrics::Counter* success = nullptr;
    metrics::Counter* error = nullptr;
    metrics::Counter* requeueAfter = nullptr;
    metrics::Counter* errors = nullptr;
    metrics::Counter* terminal = nullptr;
    metrics::Counter* panics = nullptr;
    metrics::Histogram* time = nullptr;
    metrics::Gauge* active = nullptr;
  };

  ControllerOptions options_;
  Reconciler& reconciler_;
  std::optional<QueueMetricsExporter> queueMetrics_;
  std::optional<Metrics> metrics_;
  std::unique_ptr<queue::WorkQueue> queue_;
  std::unique_ptr<queue::WorkerPool> pool_;
  std::stop_source stopping_;
  std::atomic<std::size_t> active_{0};
  std::mutex mutex_;
  std::condition_variable idle_;
  std::mt19937_64 random_;  // guarded by mutex_
};

}  // namespace cop::reconcile
