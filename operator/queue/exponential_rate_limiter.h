#pragma once

// Per-key exponential back-off: base × 2^failures, capped (client-go
// ItemExponentialFailureRateLimiter; ../shared/docs/kube-runtime.md §2.3). controller-runtime's
// default priority queue uses this limiter alone, without the queue-wide token bucket.

#include <chrono>
#include <mutex>
#include <unordered_map>

#include "operator/queue/rate_limiter.h"

namespace cop::queue {

// client-go default_rate_limiters.go DefaultTypedControllerRateLimiter: 5 ms base.
inline constexpr Duration kDefaultBaseDelay = std::chrono::milliseconds(5);
// client-go default_rate_limiters.go DefaultTypedControllerRateLimiter: 1000 s cap.
inline constexpr Duration kDefaultMaxDelay = std::chrono::seconds(1000);

class ExponentialRateLimiter final : public RateLimiter {
 public:
  explicit ExponentialRateLimiter(Duration base = kDefaultBaseDelay,
                                  Duration max = kDefaultMaxDelay);

  Duration when(const ObjectKey& key) override;
  void forget(const ObjectKey& key) override;
  int numRequeues(const ObjectKey& key) const override;

 private:
  const Duration base_;
  const Duration max_;
  mutable std::mutex mutex_;
  std::unordered_map<ObjectKey, int, ObjectKeyHash> failures_;
};

}  // namespace cop::queue
