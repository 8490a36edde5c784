#include "operator/queue/work_queue.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "operator/queue/exponential_rate_limiter.h"

namespace cop::queue {
namespace {

double secondsBetween(TimePoint from, TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

WorkQueue::WorkQueue(WorkQueueOptions options)
    : clock_(options.clock),
      metrics_(options.metrics),
      rateLimiter_(std::move(options.rateLimiter)) {
  if (clock_ == nullptr) {
    ownedClock_ = std::make_unique<SteadyClock>();
    clock_ = ownedClock_.get();
  }
  if (metrics_ == nullptr) {
    ownedMetrics_ = std::make_unique<NoopQueueMetrics>();
    metrics_ = ownedMetrics_.get();
  }
  if (rateLimiter_ == nullptr) {
    rateLimiter_ = std::make_unique<ExponentialRateLimiter>();
  }
}

void WorkQueue::add(const ObjectKey& key) {
  const TimePoint now = clock_->now();
  std::lock_guard guard(mutex_);
  if (shuttingDown_) {
    return;
  }
  addLocked(key, now);
}

void WorkQueue::addLocked(const ObjectKey& key, TimePoint now) {
  if (dirty_.contains(key)) {
    return;  // already waiting for a pass (queued, or re-queued by done())
  }
  metrics_->incAdds();
  addedAt_.try_emplace(key, now);
  dirty_.insert(key);
  reportDepthLocked();
  if (processing_.contains(key)) {
    return;  // done() queues it again
  }
  queue_.push_back(key);
  cv_.notify_all();
}

void WorkQueue::addAfter(const ObjectKey& key, Duration delay) {
  const TimePoint now = clock_->now();
  std::lock_guard guard(mutex_);
  if (shuttingDown_) {
    return;
  }
  if (delay <= Duration::zero()) {
    addLocked(key, now);
    return;
  }
  // kube-runtime.md §7: workqueue_retries_total counts adds with a non-zero delay.
  metrics_->incRetries();
  const TimePoint readyAt = now + delay;
  auto [it, inserted] = delayed_.try_emplace(key, readyAt);
  if (!inserted) {
    if (it->second <= readyAt) {
      return;  // already due earlier
    }
    it->second = readyAt;
  }
  heap_.push(Delayed{readyAt, nextSeq_++, key});
  cv_.notify_all();  // a get() waiting for a later time recomputes its deadline
}

void WorkQueue::addRateLimited(const ObjectKey& key) {
  addAfter(key, rateLimiter_->when(key));
}

void WorkQueue::forget(const ObjectKey& key) {
  rateLimiter_->forget(key);
}

int WorkQueue::numRequeues(const ObjectKey& key) const {
  return rateLimiter_->numRequeues(key);
}

void WorkQueue::promoteReadyLocked(TimePoint now) {
  if (shuttingDown_) {
    return;  // as client-go's waiting loop, delayed keys die with the queue
  }
  while (!heap_.empty() && heap_.top().readyAt <= now) {
    Delayed top = heap_.top();
    heap_.pop();
    auto it = delayed_.find(top.key);
    if (it == delayed_.end() || it->second != top.readyAt) {
      continue;  // superseded by an earlier ready time
    }
    delayed_.erase(it);
    addLocked(top.key, now);
  }
}

TimePoint WorkQueue::nextReadyLocked() {
  if (shuttingDown_) {
    return kNoDeadline;
  }
  while (!heap_.empty()) {
    auto it = delayed_.find(heap_.top().key);
    if (it != delayed_.end() && it->second == heap_.top().readyAt) {
      return heap_.top().readyAt;
    }
    heap_.pop();
  }
  return kNoDeadline;
}

std::optional<ObjectKey> WorkQueue::get() {
  std::unique_lock lock(mutex_);
  for (;;) {
    promoteReadyLocked(clock_->now());
    if (!queue_.empty()) {
      break;
    }
    if (shuttingDown_) {
      return std::nullopt;
    }
    clock_->waitUntil(lock, cv_, nextReadyLocked());
  }
  ObjectKey key = std::move(queue_.front());
  queue_.pop_front();
  const TimePoint now = clock_->now();
  processing_.insert(key);
  dirty_.erase(key);
  reportDepthLocked();
  if (auto it = addedAt_.find(key); it != addedAt_.end()) {
    metrics_->observeQueueDuration(secondsBetween(it->second, now));
    addedAt_.erase(it);
  }
  startedAt_[key] = now;
  return key;
}

void WorkQueue::done(const ObjectKey& key) {
  const TimePoint now = clock_->now();
  std::lock_guard guard(mutex_);
  if (auto it = startedAt_.find(key); it != startedAt_.end()) {
    metrics_->observeWorkDuration(secondsBetween(it->second, now));
    startedAt_.erase(it);
  }
  processing_.erase(key);
  if (dirty_.contains(key)) {
    queue_.push_back(key);
  }
  cv_.notify_all();  // a worker for the re-queued key, or a drain waiting for the last done()
}

std::size_t WorkQueue::len() {
  std::lock_guard guard(mutex_);
  promoteReadyLocked(clock_->now());
  return queue_.size();
}

void WorkQueue::shutDown() {
  std::lock_guard guard(mutex_);
  drain_ = false;  // also ends a shutDownWithDrain() in progress
  shuttingDown_ = true;
  cv_.notify_all();
}

void WorkQueue::shutDownWithDrain() {
  std::unique_lock lock(mutex_);
  drain_ = true;
  shuttingDown_ = true;
  cv_.notify_all();
  while (!processing_.empty() && drain_) {
    clock_->waitUntil(lock, cv_, kNoDeadline);
  }
}

bool WorkQueue::shuttingDown() const {
  std::lock_guard guard(mutex_);
  return shuttingDown_;
}

void WorkQueue::updateUnfinishedWork() {
  const TimePoint now = clock_->now();
  std::lock_guard guard(mutex_);
  double total = 0;
  double longest = 0;
  for (const auto& [key, started] : startedAt_) {
    const double age = secondsBetween(started, now);
    total += age;
    longest = std::max(longest, age);
  }
  metrics_->setUnfinishedWorkSeconds(total);
  metrics_->setLongestRunningProcessorSeconds(longest);
}

void WorkQueue::reportDepthLocked() {
  // client-go counts a key from its add to its get, including one added again while in progress
  // (dirty), which is exactly the dirty set.
  metrics_->setDepth(static_cast<long long>(dirty_.size()));
}

}  // namespace cop::queue
