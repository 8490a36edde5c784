#include "tests/unit/leaderelection/stepping_clock.h"

namespace cop::leaderelection::testing {

void SteppingClock::waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                              queue::TimePoint deadline) {
  std::uint64_t seq = 0;
  {
    std::lock_guard guard(mutex_);
    seq = nextSeq_++;
    active_.insert(seq);
  }
  changed_.notify_all();
  fake_.waitUntil(lock, cv, deadline);
  {
    std::lock_guard guard(mutex_);
    active_.erase(seq);
  }
  changed_.notify_all();
}

void SteppingClock::advance(queue::Duration by) {
  std::size_t inside = 0;
  {
    std::lock_guard guard(mutex_);
    inside = active_.size();
    mark_ = nextSeq_;
  }
  // A thread counted in active_ registers with the fake clock before it releases its own
  // mutex; until then, advance() would not wake it.
  fake_.awaitWaiters(inside);
  fake_.advance(by);
}

bool SteppingClock::settle(const std::function<std::size_t()>& threads,
                           const std::function<bool()>& done) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, kSettleGuard, [&] {
    if (done()) {
      return true;
    }
    const bool oldWaitsLeft = !active_.empty() && *active_.begin() < mark_;
    return !oldWaitsLeft && active_.size() >= threads();
  });
}

void SteppingClock::poke() {
  { std::lock_guard guard(mutex_); }
  changed_.notify_all();
}

}  // namespace cop::leaderelection::testing
