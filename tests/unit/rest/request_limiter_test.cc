#include "operator/client/request_limiter.h"

#include <gtest/gtest.h>

#include "tests/unit/rest/scripted_transport.h"

namespace cop::client {
namespace {

using std::chrono::milliseconds;
using testing::FakeClock;

TEST(TokenBucket, LetsTheBurstThroughThenSpacesRequestsAtQps) {
  FakeClock clock;
  TokenBucketLimiter limiter(2.0, 3, clock);
  EXPECT_EQ(limiter.reserve(), milliseconds(0));
  EXPECT_EQ(limiter.reserve(), milliseconds(0));
  EXPECT_EQ(limiter.reserve(), milliseconds(0));
  EXPECT_EQ(limiter.reserve(), milliseconds(500));   // the 4th token comes after 1/qps
  EXPECT_EQ(limiter.reserve(), milliseconds(1000));  // and the 5th after that: FIFO
}

TEST(TokenBucket, RefillsWithTimeUpToTheBurst) {
  FakeClock clock;
  TokenBucketLimiter limiter(1.0, 2, clock);
  EXPECT_EQ(limiter.reserve(), milliseconds(0));
  EXPECT_EQ(limiter.reserve(), milliseconds(0));
  clock.advance(milliseconds(60'000));  // a minute refills 2 tokens, not 60
  EXPECT_EQ(limiter.reserve(), milliseconds(0));
  EXPECT_EQ(limiter.reserve(), milliseconds(0));
  EXPECT_EQ(limiter.reserve(), milliseconds(1000));
}

TEST(TokenBucket, AClockSetBackDoesNotDrainTheBucket) {
  FakeClock clock;
  TokenBucketLimiter limiter(1.0, 1, clock);
  clock.advance(milliseconds(-10'000));
  EXPECT_EQ(limiter.reserve(), milliseconds(0));
}

TEST(TokenBucket, IsOffUnlessQpsIsPositive) {
  FakeClock clock;
  EXPECT_EQ(makeRequestLimiter(0, 10, clock), nullptr);
  EXPECT_EQ(makeRequestLimiter(-1, 10, clock), nullptr);
  EXPECT_NE(makeRequestLimiter(5, 10, clock), nullptr);
}

}  // namespace
}  // namespace cop::client
