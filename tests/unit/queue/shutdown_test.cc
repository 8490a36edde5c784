// shutDown() and shutDownWithDrain() (client-go queue.go): blocked get()s wake, new adds are
// ignored, keys already queued are still handed out, and a drain waits for every done().

#include <gtest/gtest.h>

#include <atomic>
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

class ShutdownTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  WorkQueue queue_{WorkQueueOptions{.clock = &clock_}};
};

TEST_F(ShutdownTest, ShutDownWakesABlockedGet) {
  std::optional<ObjectKey> got = kA;
  std::thread worker([&] { got = queue_.get(); });
  ASSERT_TRUE(clock_.awaitWaiters(1));
  queue_.shutDown();
  worker.join();
  EXPECT_EQ(got, std::nullopt);
  EXPECT_TRUE(queue_.shuttingDown());
}

TEST_F(ShutdownTest, AddsAfterShutDownAreIgnored) {
  queue_.shutDown();
  queue_.add(kA);
  queue_.addAfter(kB, milliseconds(1));
  queue_.addRateLimited(kB);
  clock_.advance(milliseconds(10));
  EXPECT_EQ(queue_.len(), 0u);
  EXPECT_EQ(queue_.get(), std::nullopt);
}

TEST_F(ShutdownTest, KeysQueuedBeforeShutDownAreStillHandedOut) {
  queue_.add(kA);
  queue_.addAfter(kB, milliseconds(10));  // delayed keys die with the queue
  queue_.shutDown();
  clock_.advance(milliseconds(10));
  EXPECT_EQ(queue_.get(), kA);
  EXPECT_EQ(queue_.get(), std::nullopt);
}

TEST_F(ShutdownTest, DrainWaitsForTheKeyInProgressToBeDone) {
  queue_.add(kA);
  ASSERT_EQ(queue_.get(), kA);
  std::atomic<bool> returned = false;
  std::thread stopper([&] {
    queue_.shutDownWithDrain();
    returned = true;
    clock_.poke();
  });
  // Either the drain blocks (a waiter appears) or it returned at once, which is the bug.
  const bool blocked = clock_.awaitWaiters(1, [&] { return returned.load(); });
  EXPECT_TRUE(blocked);
  EXPECT_FALSE(returned);
  EXPECT_TRUE(queue_.shuttingDown());
  queue_.done(kA);
  stopper.join();
  EXPECT_TRUE(returned);
}

TEST_F(ShutdownTest, DrainWithNothingInProgressReturnsAtOnce) {
  queue_.add(kA);  // queued but not taken: a drain waits only for keys in progress
  queue_.shutDownWithDrain();
  EXPECT_TRUE(queue_.shuttingDown());
}

TEST_F(ShutdownTest, ShutDownEndsADrainInProgress) {
  queue_.add(kA);
  ASSERT_EQ(queue_.get(), kA);
  std::atomic<bool> returned = false;
  std::thread stopper([&] {
    queue_.shutDownWithDrain();
    returned = true;
    clock_.poke();
  });
  ASSERT_TRUE(clock_.awaitWaiters(1, [&] { return returned.load(); }));
  queue_.shutDown();
  stopper.join();
  EXPECT_TRUE(returned);
  queue_.done(kA);
}

}  // namespace
}  // namespace cop::queue
