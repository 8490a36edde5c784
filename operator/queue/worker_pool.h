#pragma once

// N threads that take keys from a WorkQueue and run a handler on each, calling done() after it
// (controller-runtime Controller.Start's worker loop). The queue guarantees that one key is never
// on two workers at once; distinct keys run in parallel up to the worker count. stop() shuts the
// queue down, lets the workers finish the keys already queued, and joins them.

#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

#include "operator/queue/object_key.h"
#include "operator/queue/work_queue.h"

namespace cop::queue {

// controller-runtime pkg/controller/controller.go: MaxConcurrentReconciles defaults to 1.
inline constexpr std::size_t kDefaultWorkers = 1;

class WorkerPool {
 public:
  // The handler decides what happens next to the key (forget(), addRateLimited(), addAfter()).
  // If it throws, the key is re-added rate-limited, as controller-runtime recovers a panicking
  // reconcile and retries it.
  using Handler = std::function<void(const ObjectKey&)>;

  // Starts `workers` threads (at least one) on `queue`, which must outlive the pool.
  WorkerPool(WorkQueue& queue, Handler handler, std::size_t workers = kDefaultWorkers);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  // stop().
  ~WorkerPool();

  // Shuts the queue down and joins the workers once the queue is empty. Idempotent.
  void stop();

 private:
  void run();

  WorkQueue& queue_;
  Handler handler_;
  std::vector<std::thread> threads_;
};

}  // namespace cop::queue
