#include "operator/queue/clock.h"

namespace cop::queue {

void SteadyClock::waitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                            TimePoint deadline) {
  if (deadline == kNoDeadline) {
    cv.wait(lock);
  } else {
    cv.wait_until(lock, deadline);
  }
}

}  // namespace cop::queue
