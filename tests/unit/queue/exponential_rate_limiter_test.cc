// Per-key back-off: 5 ms doubling to a 1000 s cap, forget() resets (kube-runtime.md §2.3,
// checklist §10 item 9).

#include "operator/queue/exponential_rate_limiter.h"

#include <gtest/gtest.h>

#include <chrono>

#include "operator/queue/fake_clock.h"
#include "operator/queue/work_queue.h"
#include "tests/unit/queue/recording_metrics.h"

namespace cop::queue {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const ObjectKey kA{"default", "a"};
const ObjectKey kB{"default", "b"};

TEST(ExponentialRateLimiter, DoublesFromFiveMillisecondsToTheThousandSecondCap) {
  ExponentialRateLimiter limiter;
  Duration expected = milliseconds(5);
  int steps = 0;
  while (expected < seconds(1000)) {
    ASSERT_EQ(limiter.when(kA), expected) << "failure " << steps;
    expected *= 2;
    ++steps;
  }
  EXPECT_EQ(steps, 18);  // 5 ms × 2^17 = 655.36 s; 2^18 would be 1310.72 s
  EXPECT_EQ(limiter.when(kA), seconds(1000));
  for (int i = 0; i < 2000; ++i) {  // far past any overflow of 2^n
    ASSERT_EQ(limiter.when(kA), seconds(1000));
  }
}

TEST(ExponentialRateLimiter, FirstDelaysAreFiveTenTwentyForty) {
  ExponentialRateLimiter limiter;
  EXPECT_EQ(limiter.when(kA), milliseconds(5));
  EXPECT_EQ(limiter.when(kA), milliseconds(10));
  EXPECT_EQ(limiter.when(kA), milliseconds(20));
  EXPECT_EQ(limiter.when(kA), milliseconds(40));
  EXPECT_EQ(limiter.numRequeues(kA), 4);
}

TEST(ExponentialRateLimiter, ForgetResetsAndKeysAreIndependent) {
  ExponentialRateLimiter limiter;
  (void)limiter.when(kA);
  (void)limiter.when(kA);
  EXPECT_EQ(limiter.when(kB), milliseconds(5));
  EXPECT_EQ(limiter.numRequeues(kA), 2);
  limiter.forget(kA);
  EXPECT_EQ(limiter.numRequeues(kA), 0);
  EXPECT_EQ(limiter.when(kA), milliseconds(5));
  EXPECT_EQ(limiter.numRequeues(kB), 1);
}

TEST(RateLimitedAdd, WaitsTheBackOffOnTheClockAndCountsARetry) {
  FakeClock clock;
  testing::RecordingMetrics metrics;
  WorkQueue queue({.clock = &clock, .metrics = &metrics});
  queue.addRateLimited(kA);
  EXPECT_EQ(queue.numRequeues(kA), 1);
  EXPECT_EQ(queue.len(), 0u);
  clock.advance(milliseconds(4));
  EXPECT_EQ(queue.len(), 0u);
  clock.advance(milliseconds(1));
  ASSERT_EQ(queue.len(), 1u);
  ASSERT_EQ(queue.get(), kA);
  queue.done(kA);

  queue.addRateLimited(kA);  // second failure: 10 ms
  clock.advance(milliseconds(9));
  EXPECT_EQ(queue.len(), 0u);
  clock.advance(milliseconds(1));
  EXPECT_EQ(queue.len(), 1u);
  EXPECT_EQ(metrics.retries, 2);

  queue.forget(kA);  // success resets
  EXPECT_EQ(queue.numRequeues(kA), 0);
}

}  // namespace
}  // namespace cop::queue
