#pragma once

// A clock that moves only when a test calls advance(). Waiters registered through waitUntil()
// are woken by advance() (under their own mutex, so no wake-up is lost), and a test can block
// until a given number of threads are waiting: concurrency tests synchronise on that instead of
// sleeping. The clock must outlive every queue that uses it.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

#include "operator/queue/clock.h"

namespace cop::queue {

class FakeClock final : public Clock {
 public:
  FakeClock();

  TimePoint now() const override;
  void waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                 TimePoint deadline) override;

  // Moves time forward and wakes every waiter.
  void advance(Duration by);
  // Threads blocked in waitUntil() right now.
  std::size_t waiters() const;
  // Blocks until at least `count` threads wait in waitUntil(), or `stop()` is true; `stop` is
  // re-checked whenever the waiter count changes or poke() is called. Returns whether the
  // waiters are there.
  bool awaitWaiters(
      std::size_t count, const std::function<bool()>& stop = [] { return false; });
  // Re-checks the condition of awaitWaiters() (call after making its `stop` true).
  void poke();

 private:
  struct Waiter {
    std::mutex* mutex;
    std::condition_variable* cv;
  };

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  TimePoint now_;
  std::vector<Waiter> waiters_;
};

}  // namespace cop::queue
