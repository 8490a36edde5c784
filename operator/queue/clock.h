#pragma once

// The queue's only access to time. Production uses SteadyClock; tests use FakeClock
// (fake_clock.h) and move time by hand, so no queue test sleeps or depends on timing.

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace cop::queue {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::steady_clock::time_point;

// Wait forever: a deadline no clock reaches.
inline constexpr TimePoint kNoDeadline = TimePoint::max();

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // Blocks on `cv` (with `lock` held on entry and on return) until it is notified or the clock
  // reaches `deadline`, whichever comes first. May return early (spuriously): callers re-check
  // their condition in a loop, as with std::condition_variable.
  virtual void waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                         TimePoint deadline) = 0;
};

class SteadyClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  void waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                 TimePoint deadline) override;
};

}  // namespace cop::queue
