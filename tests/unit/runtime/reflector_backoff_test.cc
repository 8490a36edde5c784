#include "operator/client/reflector_backoff.h"

#include <gtest/gtest.h>

namespace cop::client {
namespace {

using std::chrono::seconds;

const SteadyTime kT0{};

// §1.7 / §10.5: 800 ms x 2^n, capped at 30 s, jitter 1.0, reset after 2 min.
TEST(ReflectorBackoffTest, DoublesFrom800MsToTheCap) {
  ReflectorBackoff backoff;
  SteadyTime now = kT0;
  const long expected[] = {800, 1600, 3200, 6400, 12800, 25600, 30000, 30000};
  for (long millis : expected) {
    EXPECT_EQ(backoff.next(now, 0.0), Millis(millis));
    now += seconds(1);  // failures close together: no reset
  }
}

TEST(ReflectorBackoffTest, JitterAddsUpToOneDelay) {
  ReflectorBackoff backoff;
  EXPECT_EQ(backoff.next(kT0, 0.5), Millis(1200));    // 800 + 0.5 * 800
  EXPECT_EQ(backoff.next(kT0, 0.999), Millis(3198));  // 1600 + 0.999 * 1600
  for (int i = 0; i < 10; ++i) {
    const Millis delay = backoff.next(kT0, 0.999);
    EXPECT_LT(delay, Millis(60'000));  // the capped base, jittered, stays under 2 x 30 s
  }
}

TEST(ReflectorBackoffTest, ResetsAfterTwoMinutesWithoutFailure) {
  ReflectorBackoff backoff;
  SteadyTime now = kT0;
  for (int i = 0; i < 5; ++i) {
    (void)backoff.next(now, 0.0);
  }
  EXPECT_EQ(backoff.currentBase(), Millis(25'600));
  now += seconds(120);  // exactly 2 min: not yet
  EXPECT_EQ(backoff.next(now, 0.0), Millis(25'600));
  now += seconds(121);
  EXPECT_EQ(backoff.next(now, 0.0), Millis(800));
  EXPECT_EQ(backoff.next(now, 0.0), Millis(1600));
}

}  // namespace
}  // namespace cop::client
