#pragma once

// queue::FakeClock, plus what a test of threads that wait on it needs to step time
// deterministically: after advance(), settle() blocks until every thread that was waiting has
// woken, done what the new time asks and waits again (or `done()` is true, for threads that
// end). No sleeps; threads meet on the clock's own bookkeeping.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>

#include "operator/queue/fake_clock.h"

namespace cop::leaderelection::testing {

// Far beyond what settling takes (microseconds); only a broken elector reaches it.
inline constexpr std::chrono::seconds kSettleGuard{10};

class SteppingClock final : public queue::Clock {
 public:
  queue::TimePoint now() const override { return fake_.now(); }
  void waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                 queue::TimePoint deadline) override;

  // Waits until every thread inside waitUntil() is registered with the fake clock (so none
  // misses the wake-up), then moves time forward and wakes them all.
  void advance(queue::Duration by);
  // Blocks until no wait from before the last advance() is left and at least `threads()`
  // threads wait again, or `done()`. Both are re-evaluated on every change and on poke(), with
  // this clock's lock held: they must read only atomics, never a waiting thread's state.
  // False when that has not happened within kSettleGuard of real time: a thread that should
  // wait on the clock does not (a broken elector fails its test instead of hanging it).
  [[nodiscard]] bool settle(
      const std::function<std::size_t()>& threads,
      const std::function<bool()>& done = [] { return false; });
  // Re-evaluates settle()'s conditions (call after changing what they read).
  void poke();

 private:
  queue::FakeClock fake_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::set<std::uint64_t> active_;  // sequence numbers of the waits in progress
  std::uint64_t nextSeq_ = 0;
  std::uint64_t mark_ = 0;  // first sequence number after the last advance()
};

}  // namespace cop::leaderelection::testing
