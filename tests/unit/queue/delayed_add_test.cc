// addAfter(): a min-heap by ready time on the injected clock; the earliest time wins for a key
// already delayed; a get() blocked on an empty queue wakes when the clock reaches the time.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>

#include "operator/queue/fake_clock.h"
#include "operator/queue/work_queue.h"

namespace cop::queue {
namespace {

using std::chrono::milliseconds;

const ObjectKey kA{"default", "a"};
const ObjectKey kB{"default", "b"};
const ObjectKey kC{"default", "c"};

class DelayedAddTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  WorkQueue queue_{WorkQueueOptions{.clock = &clock_}};
};

TEST_F(DelayedAddTest, KeysBecomeReadyInReadyTimeOrder) {
  queue_.addAfter(kA, milliseconds(30));
  queue_.addAfter(kB, milliseconds(10));
  queue_.addAfter(kC, milliseconds(20));
  EXPECT_EQ(queue_.len(), 0u);
  clock_.advance(milliseconds(30));
  ASSERT_EQ(queue_.len(), 3u);
  EXPECT_EQ(queue_.get(), kB);
  EXPECT_EQ(queue_.get(), kC);
  EXPECT_EQ(queue_.get(), kA);
}

TEST_F(DelayedAddTest, KeysReadyAtTheSameTimeKeepTheirAddOrder) {
  queue_.addAfter(kC, milliseconds(10));
  queue_.addAfter(kA, milliseconds(10));
  queue_.addAfter(kB, milliseconds(10));
  clock_.advance(milliseconds(10));
  ASSERT_EQ(queue_.len(), 3u);
  EXPECT_EQ(queue_.get(), kC);
  EXPECT_EQ(queue_.get(), kA);
  EXPECT_EQ(queue_.get(), kB);
}

TEST_F(DelayedAddTest, NotReadyBeforeItsTime) {
  queue_.addAfter(kA, milliseconds(10));
  clock_.advance(milliseconds(9));
  EXPECT_EQ(queue_.len(), 0u);
  clock_.advance(milliseconds(1));
  EXPECT_EQ(queue_.len(), 1u);
}

TEST_F(DelayedAddTest, AnEarlierTimeReplacesALaterOne) {
  queue_.addAfter(kA, milliseconds(100));
  queue_.addAfter(kA, milliseconds(10));
  clock_.advance(milliseconds(10));
  ASSERT_EQ(queue_.len(), 1u);
  ASSERT_EQ(queue_.get(), kA);
  queue_.done(kA);
  clock_.advance(milliseconds(90));  // the superseded time adds nothing
  EXPECT_EQ(queue_.len(), 0u);
}

TEST_F(DelayedAddTest, ALaterTimeDoesNotPostponeAnEarlierOne) {
  queue_.addAfter(kA, milliseconds(10));
  queue_.addAfter(kA, milliseconds(100));
  clock_.advance(milliseconds(10));
  ASSERT_EQ(queue_.len(), 1u);
  ASSERT_EQ(queue_.get(), kA);
  queue_.done(kA);
  clock_.advance(milliseconds(90));
  EXPECT_EQ(queue_.len(), 0u);
}

TEST_F(DelayedAddTest, AZeroOrNegativeDelayAddsAtOnce) {
  queue_.addAfter(kA, Duration::zero());
  queue_.addAfter(kB, milliseconds(-5));
  EXPECT_EQ(queue_.len(), 2u);
}

TEST_F(DelayedAddTest, AReadyKeyAlreadyQueuedIsNotQueuedTwice) {
  queue_.add(kA);
  queue_.addAfter(kA, milliseconds(5));
  clock_.advance(milliseconds(5));
  EXPECT_EQ(queue_.len(), 1u);
}

TEST_F(DelayedAddTest, ABlockedGetWakesWhenTheClockReachesTheReadyTime) {
  queue_.addAfter(kA, milliseconds(10));
  std::optional<ObjectKey> got;
  std::thread worker([&] { got = queue_.get(); });
  ASSERT_TRUE(clock_.awaitWaiters(1));  // the worker is blocked inside get()
  clock_.advance(milliseconds(10));
  worker.join();
  EXPECT_EQ(got, kA);
}

TEST_F(DelayedAddTest, ABlockedGetWakesForAKeyAddedWhileItWaits) {
  std::optional<ObjectKey> got;
  std::thread worker([&] { got = queue_.get(); });
  ASSERT_TRUE(clock_.awaitWaiters(1));
  queue_.add(kB);
  worker.join();
  EXPECT_EQ(got, kB);
}

}  // namespace
}  // namespace cop::queue
