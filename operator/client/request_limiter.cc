#include "operator/client/request_limiter.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace cop::client {

void ThreadSleeper::sleep(std::chrono::milliseconds duration) {
  if (duration.count() > 0) {
    std::this_thread::sleep_for(duration);
  }
}

TokenBucketLimiter::TokenBucketLimiter(double qps, int burst, const Clock& clock)
    : qps_(qps),
      burst_(static_cast<double>(std::max(burst, 1))),
      clock_(clock),
      tokens_(burst_),
      last_(clock.now()) {}

std::chrono::milliseconds TokenBucketLimiter::reserve() {
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  // A wall clock set back refills nothing (and must not drain the bucket).
  if (now > last_) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  tokens_ -= 1.0;
  if (tokens_ >= 0) {
    return std::chrono::milliseconds(0);
  }
  // The token is owed: it arrives after -tokens_/qps seconds (rate.Limiter.reserveN).
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(-tokens_ / qps_ * 1000.0)));
}

std::unique_ptr<RequestLimiter> makeRequestLimiter(double qps, int burst, const Clock& clock) {
  if (!(qps > 0)) {
    return nullptr;
  }
  return std::make_unique<TokenBucketLimiter>(qps, burst, clock);
}

}  // namespace cop::client
