#include "operator/queue/exponential_rate_limiter.h"

#include <cmath>

namespace cop::queue {

ExponentialRateLimiter::ExponentialRateLimiter(Duration base, Duration max)
    : base_(base), max_(max) {}

Duration ExponentialRateLimiter::when(const ObjectKey& key) {
  int exponent = 0;
  {
    std::lock_guard guard(mutex_);
    int& failures = failures_[key];
    exponent = failures;
    // Saturate: past the cap the count no longer changes the delay.
    if (failures < 1'000'000) {
      ++failures;
    }
  }
  // In floating point, as client-go does, so a large exponent saturates instead of overflowing.
  const double delay = static_cast<double>(base_.count()) * std::pow(2.0, exponent);
  if (delay >= static_cast<double>(max_.count())) {
    return max_;
  }
  return Duration(static_cast<Duration::rep>(delay));
}

void ExponentialRateLimiter::forget(const ObjectKey& key) {
  std::lock_guard guard(mutex_);
  failures_.erase(key);
}

int ExponentialRateLimiter::numRequeues(const ObjectKey& key) const {
  std::lock_guard guard(mutex_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

}  // namespace cop::queue
