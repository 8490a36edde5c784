#pragma once

// A controller work queue with client-go's TypedRateLimitingQueue semantics
// (../shared/docs/kube-runtime.md §2.3, util/workqueue/queue.go, delaying_queue.go,
// rate_limiting_queue.go):
// - add() of a key already waiting is a no-op, and FIFO order holds otherwise;
// - a key handed out by get() is not handed out again before done(); an add() meanwhile marks it
//   dirty, and done() queues it once more, so N adds during one pass cause exactly one more;
// - addAfter() delays an add, the earliest ready time winning for a key already delayed (kube-rs
//   scheduler.rs keeps the earliest too); addRateLimited() delays by the rate limiter;
// - shutDown() stops new adds and makes get() return nothing once the queue is empty;
//   shutDownWithDrain() also waits for every key in progress to be done.
// Thread-safe. All waiting goes through the Clock, so tests move time by hand.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "operator/queue/clock.h"
#include "operator/queue/object_key.h"
#include "operator/queue/queue_metrics.h"
#include "operator/queue/rate_limiter.h"

namespace cop::queue {

struct WorkQueueOptions {
  // Not owned; must outlive the queue. Null: the steady clock.
  Clock* clock = nullptr;
  // Not owned; must outlive the queue. Null: no metrics.
  QueueMetrics* metrics = nullptr;
  // Null: ExponentialRateLimiter with client-go's defaults (5 ms doubling to 1000 s).
  std::unique_ptr<RateLimiter> rateLimiter;
};

class WorkQueue {
 public:
  explicit WorkQueue(WorkQueueOptions options = {});
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void add(const ObjectKey& key);
  // Adds `key` once `delay` has passed; at once when `delay` <= 0.
  void addAfter(const ObjectKey& key, Duration delay);
  // addAfter(key, rate limiter's delay for key): for a failed pass.
  void addRateLimited(const ObjectKey& key);
  // Resets the key's failure count (after a successful pass).
  void forget(const ObjectKey& key);
  int numRequeues(const ObjectKey& key) const;

  // Blocks until a key is ready and returns it, or returns nothing once shut down with nothing
  // left to hand out. The caller must call done() with the key when it has finished with it.
  std::optional<ObjectKey> get();
  void done(const ObjectKey& key);

  // Keys ready for a worker (not counting delayed keys or keys in progress).
  std::size_t len();
  void shutDown();
  void shutDownWithDrain();
  bool shuttingDown() const;

  // Reports workqueue_unfinished_work_seconds and workqueue_longest_running_processor_seconds;
  // the owner calls it periodically (client-go: every 500 ms).
  void updateUnfinishedWork();

 private:
  struct Delayed {
    TimePoint readyAt;
    std::uint64_t seq;  // FIFO among equal ready times
    ObjectKey key;
    bool operator>(const Delayed& other) const {
      return readyAt != other.readyAt ? readyAt > other.readyAt : seq > other.seq;
    }
  };
  using KeySet = std::unordered_set<ObjectKey, ObjectKeyHash>;
  template <typename V>
  using KeyMap = std::unordered_map<ObjectKey, V, ObjectKeyHash>;

  void addLocked(const ObjectKey& key, TimePoint now);
  void promoteReadyLocked(TimePoint now);
  TimePoint nextReadyLocked();
  void reportDepthLocked();

  std::unique_ptr<Clock> ownedClock_;
  Clock* clock_;
  std::unique_ptr<QueueMetrics> ownedMetrics_;
  QueueMetrics* metrics_;
  std::unique_ptr<RateLimiter> rateLimiter_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<ObjectKey> queue_;
  KeySet dirty_;
  KeySet processing_;
  // Delayed keys: a min-heap by ready time, with stale entries (superseded by an earlier time)
  // skipped when they reach the top; `delayed_` holds each key's current ready time.
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> heap_;
  KeyMap<TimePoint> delayed_;
  std::uint64_t nextSeq_ = 0;
  KeyMap<TimePoint> addedAt_;
  KeyMap<TimePoint> startedAt_;
  bool shuttingDown_ = false;
  bool drain_ = false;
};

}  // namespace cop::queue
