#pragma once

// An optional client-side limit on the request rate (kube-runtime.md §4.4), and the waiting it
// and the retries need. Off by default: controller-runtime sets QPS = -1 since v0.21 to "rely
// on API priority and fairness", and the server's 429 + Retry-After is what we honour. On, it
// is client-go's token bucket (rest/config.go QPS and Burst; util/flowcontrol
// NewTokenBucketRateLimiter, golang.org/x/time/rate): `burst` requests at once, then `qps` per
// second.

#include <chrono>
#include <memory>
#include <mutex>

#include "operator/client/clock.h"

namespace cop::client {

// Waits. An interface so that tests of retries and rate limits never sleep.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void sleep(std::chrono::milliseconds duration) = 0;
};

class ThreadSleeper final : public Sleeper {
 public:
  // Sleeper
  void sleep(std::chrono::milliseconds duration) override;
};

class RequestLimiter {
 public:
  virtual ~RequestLimiter() = default;
  // Takes one request's token and returns how long to wait before sending (zero: now).
  // Thread-safe; waiters are served in the order they reserved, as rate.Limiter.Reserve.
  virtual std::chrono::milliseconds reserve() = 0;
};

// client-go rest.Config defaults a zero QPS/Burst to 5/10; ours are off instead (§4.4).
inline constexpr double kDefaultQps = 0;
inline constexpr int kDefaultBurst = 0;

class TokenBucketLimiter final : public RequestLimiter {
 public:
  // `qps` > 0, `burst` >= 1; the bucket starts full. `clock` must outlive the limiter.
  TokenBucketLimiter(double qps, int burst, const Clock& clock);

  // RequestLimiter
  std::chrono::milliseconds reserve() override;

 private:
  double qps_;
  double burst_;
  const Clock& clock_;
  std::mutex mutex_;
  double tokens_;                               // guarded by mutex_; negative: owed
  std::chrono::system_clock::time_point last_;  // guarded by mutex_
};

// A token bucket when qps > 0 (burst below 1 counts as 1), else nullptr: no client-side limit.
std::unique_ptr<RequestLimiter> makeRequestLimiter(double qps, int burst, const Clock& clock);

}  // namespace cop::client
