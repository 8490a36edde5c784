// The work queue's sets (kube-runtime.md §2.3): dedupe, FIFO, dirty while processing, exactly
// one more pass after any number of adds during one (checklist §10 item 8).

#include "operator/queue/work_queue.h"

#include <gtest/gtest.h>

#include "operator/queue/fake_clock.h"

namespace cop::queue {
namespace {

const ObjectKey kA{"default", "a"};
const ObjectKey kB{"default", "b"};
const ObjectKey kC{"other", "c"};

class WorkQueueTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  WorkQueue queue_{WorkQueueOptions{.clock = &clock_}};
};

TEST(ObjectKey, FormatsAsNamespaceSlashName) {
  EXPECT_EQ(kA.str(), "default/a");
  EXPECT_EQ((ObjectKey{"", "node-1"}).str(), "node-1");
  EXPECT_NE(ObjectKeyHash{}(ObjectKey{"a", "bc"}), ObjectKeyHash{}(ObjectKey{"ab", "c"}));
}

TEST_F(WorkQueueTest, AddOfAQueuedKeyIsANoOp) {
  queue_.add(kA);
  queue_.add(kA);
  queue_.add(kB);
  queue_.add(kA);
  EXPECT_EQ(queue_.len(), 2u);
  EXPECT_EQ(queue_.get(), kA);
  EXPECT_EQ(queue_.get(), kB);
  EXPECT_EQ(queue_.len(), 0u);
}

TEST_F(WorkQueueTest, HandsOutKeysInTheOrderTheyWereFirstAdded) {
  queue_.add(kC);
  queue_.add(kA);
  queue_.add(kB);
  queue_.add(kC);  // no-op: keeps its first place
  EXPECT_EQ(queue_.get(), kC);
  EXPECT_EQ(queue_.get(), kA);
  EXPECT_EQ(queue_.get(), kB);
}

TEST_F(WorkQueueTest, AKeyInProgressIsNotHandedOutAgainBeforeDone) {
  queue_.add(kA);
  ASSERT_EQ(queue_.get(), kA);
  queue_.add(kA);  // dirty, held back while in progress
  queue_.add(kB);
  EXPECT_EQ(queue_.len(), 1u);
  EXPECT_EQ(queue_.get(), kB);  // not kA
  EXPECT_EQ(queue_.len(), 0u);
  queue_.done(kA);
  ASSERT_EQ(queue_.len(), 1u);
  EXPECT_EQ(queue_.get(), kA);
}

TEST_F(WorkQueueTest, ManyAddsDuringOnePassCauseExactlyOneMorePass) {
  queue_.add(kA);
  ASSERT_EQ(queue_.get(), kA);
  for (int i = 0; i < 5; ++i) {
    queue_.add(kA);
  }
  queue_.done(kA);
  ASSERT_EQ(queue_.len(), 1u);
  ASSERT_EQ(queue_.get(), kA);
  queue_.done(kA);
  EXPECT_EQ(queue_.len(), 0u);
}

TEST_F(WorkQueueTest, DoneWithoutAnAddMeanwhileDoesNotRequeue) {
  queue_.add(kA);
  ASSERT_EQ(queue_.get(), kA);
  queue_.done(kA);
  EXPECT_EQ(queue_.len(), 0u);
  queue_.add(kA);  // and the key can come back later
  EXPECT_EQ(queue_.len(), 1u);
}

}  // namespace
}  // namespace cop::queue
