#include "operator/queue/worker_pool.h"

#include <algorithm>
#include <utility>

namespace cop::queue {

WorkerPool::WorkerPool(WorkQueue& queue, Handler handler, std::size_t workers)
    : queue_(queue), handler_(std::move(handler)) {
  const std::size_t count = std::max<std::size_t>(workers, 1);
  threads_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    threads_.emplace_back([this] { run(); });
  }
}

WorkerPool::~WorkerPool() {
  stop();
}

void WorkerPool::stop() {
  queue_.shutDown();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) {
      thread.join();
    }
  }
}

void WorkerPool::run() {
  while (std::optional<ObjectKey> key = queue_.get()) {
    try {
      handler_(*key);
    } catch (...) {
      queue_.addRateLimited(*key);
    }
    queue_.done(*key);
  }
}

}  // namespace cop::queue
