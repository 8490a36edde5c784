// The queue's metric hooks (kube-runtime.md §7): adds, depth, retries, queue and work durations,
// unfinished work, measured on the fake clock.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "operator/common/text.h"
#include "operator/queue/fake_clock.h"
#include "operator/queue/work_queue.h"
#include "tests/unit/queue/recording_metrics.h"

namespace cop::queue {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::ElementsAre;

const ObjectKey kA{"default", "a"};
const ObjectKey kB{"default", "b"};

class QueueMetricsTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  testing::RecordingMetrics metrics_;
  WorkQueue queue_{WorkQueueOptions{.clock = &clock_, .metrics = &metrics_}};
};

TEST_F(QueueMetricsTest, AddsCountOnlyAddsThatQueueAKey) {
  queue_.add(kA);
  queue_.add(kA);
  queue_.add(kB);
  EXPECT_EQ(metrics_.adds, 2);
  EXPECT_EQ(metrics_.depth, 2);
  ASSERT_EQ(queue_.get(), kA);
  EXPECT_EQ(metrics_.depth, 1);
  queue_.add(kA);  // dirty while in progress: counted, as client-go counts it
  EXPECT_EQ(metrics_.adds, 3);
  EXPECT_EQ(metrics_.depth, 2);
}

TEST_F(QueueMetricsTest, RetriesCountDelayedAddsWithANonZeroDelayOnly) {
  queue_.addAfter(kA, Duration::zero());
  EXPECT_EQ(metrics_.retries, 0);
  queue_.addAfter(kB, milliseconds(1));
  queue_.addRateLimited(kA);
  EXPECT_EQ(metrics_.retries, 2);
}

TEST_F(QueueMetricsTest, QueueAndWorkDurationsAreMeasuredOnTheClock) {
  queue_.add(kA);
  clock_.advance(seconds(3));
  queue_.add(kA);  // a second add does not restart the wait
  clock_.advance(seconds(1));
  ASSERT_EQ(queue_.get(), kA);
  clock_.advance(seconds(2));
  queue_.done(kA);
  EXPECT_THAT(metrics_.queueDurations, ElementsAre(4.0));
  EXPECT_THAT(metrics_.workDurations, ElementsAre(2.0));
}

TEST_F(QueueMetricsTest, UnfinishedWorkSumsAndLongestRunningTakesTheOldest) {
  // Twenty keys, the oldest taken first: whatever order a hash map visits them in, only a
  // maximum over all of them finds it.
  constexpr int kKeys = 20;
  for (int i = 0; i < kKeys; ++i) {
    queue_.add(ObjectKey{"ns", concat("k", std::to_string(i))});
  }
  ASSERT_TRUE(queue_.get().has_value());
  clock_.advance(seconds(5));
  for (int i = 1; i < kKeys; ++i) {
    ASSERT_TRUE(queue_.get().has_value());
  }
  clock_.advance(seconds(1));
  queue_.updateUnfinishedWork();
  EXPECT_DOUBLE_EQ(metrics_.unfinished, 6.0 + (kKeys - 1) * 1.0);
  EXPECT_DOUBLE_EQ(metrics_.longest, 6.0);
  for (int i = 0; i < kKeys; ++i) {
    queue_.done(ObjectKey{"ns", concat("k", std::to_string(i))});
  }
  queue_.updateUnfinishedWork();
  EXPECT_DOUBLE_EQ(metrics_.unfinished, 0.0);
  EXPECT_DOUBLE_EQ(metrics_.longest, 0.0);
}

}  // namespace
}  // namespace cop::queue
