#include "operator/queue/fake_clock.h"

#include <algorithm>
#include <chrono>

namespace cop::queue {

// Any fixed start far from the epoch: durations computed against it never go negative.
FakeClock::FakeClock() : now_(TimePoint{} + std::chrono::hours(1000)) {}

TimePoint FakeClock::now() const {
  std::lock_guard guard(mutex_);
  return now_;
}

void FakeClock::waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                          TimePoint deadline) {
  {
    std::lock_guard guard(mutex_);
    if (now_ >= deadline) {
      return;
    }
    waiters_.push_back({lock.mutex(), &cv});
  }
  changed_.notify_all();
  cv.wait(lock);
  {
    std::lock_guard guard(mutex_);
    auto it = std::find_if(waiters_.begin(), waiters_.end(),
                           [&](const Waiter& w) { return w.cv == &cv && w.mutex == lock.mutex(); });
    if (it != waiters_.end()) {
      waiters_.erase(it);
    }
  }
  changed_.notify_all();
}

void FakeClock::advance(Duration by) {
  std::vector<Waiter> toWake;
  {
    std::lock_guard guard(mutex_);
    now_ += by;
    toWake = waiters_;
  }
  // Taking the waiter's mutex orders this notify after its check of the time: it is either
  // already inside cv.wait() or will see the new time.
  for (const Waiter& w : toWake) {
    std::lock_guard guard(*w.mutex);
    w.cv->notify_all();
  }
}

std::size_t FakeClock::waiters() const {
  std::lock_guard guard(mutex_);
  return waiters_.size();
}

bool FakeClock::awaitWaiters(std::size_t count, const std::function<bool()>& stop) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return waiters_.size() >= count || stop(); });
  return waiters_.size() >= count;
}

void FakeClock::poke() {
  { std::lock_guard guard(mutex_); }
  changed_.notify_all();
}

}  // namespace cop::queue
