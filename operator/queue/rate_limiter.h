#pragma once

// How long a failed key waits before its next try (client-go workqueue.TypedRateLimiter).

#include "operator/queue/clock.h"
#include "operator/queue/object_key.h"

namespace cop::queue {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // The delay before `key`'s next try; counts one more failure for it.
  virtual Duration when(const ObjectKey& key) = 0;
  // Stops tracking `key` (after a success): its next failure starts from the base delay again.
  virtual void forget(const ObjectKey& key) = 0;
  // Failures counted for `key` since it was last forgotten.
  virtual int numRequeues(const ObjectKey& key) const = 0;
};

}  // namespace cop::queue
