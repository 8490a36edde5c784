#pragma once

// The reflector's back-off (kube-runtime.md §1.7), as client-go builds it in
// tools/cache/reflector.go: wait.NewExponentialBackoffManager(800ms, 30s, 2min, 2.0, 1.0).
// A pure state machine: the caller passes the time and a uniform random number, so tests use
// neither a real clock nor real randomness.

#include <chrono>

namespace cop::client {

using SteadyTime = std::chrono::steady_clock::time_point;
using Millis = std::chrono::milliseconds;

struct BackoffParameters {
  Millis initial{800};         // client-go reflector.go: 800 ms
  Millis cap{30'000};          // 30 s
  double factor = 2.0;         // x2 per failure
  double jitter = 1.0;         // delay in [d, d + jitter*d)
  Millis resetAfter{120'000};  // back to `initial` after 2 min without a back-off
};

// client-go's numbers, shared by kube-rs (watcher.rs DefaultBackoff), §1.7/§1.8.
inline constexpr BackoffParameters kReflectorBackoff{};

class ReflectorBackoff {
 public:
  explicit ReflectorBackoff(BackoffParameters parameters = kReflectorBackoff)
      : parameters_(parameters), next_(parameters.initial) {}

  // The delay before the next attempt, for a failure at `now`. `unitRandom` is uniform in
  // [0, 1). As in wait.Backoff.Step, the base doubles up to the cap and the jitter is added
  // after capping (so a capped delay lies in [30 s, 60 s)); as in exponentialBackoffManager, the
  // base starts over when more than `resetAfter` passed since the previous back-off.
  Millis next(SteadyTime now, double unitRandom);

  // The base of the next delay, before jitter (for tests and logs).
  Millis currentBase() const { return next_; }

 private:
  BackoffParameters parameters_;
  Millis next_;
  bool started_ = false;
  SteadyTime lastBackoff_{};
};

}  // namespace cop::client
