// Config validation as client-go NewLeaderElector checks it, jitter bounds, and the default
// identity (controller-runtime's hostname_<uuid>).

#include <gtest/gtest.h>

#include <regex>

#include "operator/leaderelection/identity.h"
#include "operator/leaderelection/leader_elector.h"
#include "tests/unit/leaderelection/elector_rig.h"
#include "tests/unit/leaderelection/fake_lease_client.h"

namespace cop::leaderelection {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::testConfig;

TEST(Config, DefaultsAreControllerRuntimes) {
  const LeaderElectionConfig config;
  EXPECT_EQ(config.leaseDuration, seconds(15));
  EXPECT_EQ(config.renewDeadline, seconds(10));
  EXPECT_EQ(config.retryPeriod, seconds(2));
  EXPECT_FALSE(config.releaseOnCancel);
  EXPECT_TRUE(validateConfig(testConfig("me")).has_value());
}

TEST(Config, LeaseDurationMustExceedRenewDeadline) {
  auto config = testConfig("me");
  config.leaseDuration = seconds(10);
  EXPECT_FALSE(validateConfig(config).has_value());
  config.leaseDuration = milliseconds(10'001);
  EXPECT_TRUE(validateConfig(config).has_value());
}

TEST(Config, RenewDeadlineMustExceedJitterTimesRetryPeriod) {
  auto config = testConfig("me");
  config.renewDeadline = milliseconds(2'400);  // == 1.2 x 2 s
  config.leaseDuration = seconds(3);
  EXPECT_FALSE(validateConfig(config).has_value());
  config.renewDeadline = milliseconds(2'401);
  EXPECT_TRUE(validateConfig(config).has_value());
}

TEST(Config, NonPositiveDurationsAndMissingNamesAreRefused) {
  auto config = testConfig("me");
  config.retryPeriod = milliseconds(0);
  EXPECT_FALSE(validateConfig(config).has_value());
  config = testConfig("me");
  config.leaseDuration = milliseconds(900);  // the Lease holds whole seconds, and 0 is invalid
  config.renewDeadline = milliseconds(800);
  config.retryPeriod = milliseconds(100);
  EXPECT_FALSE(validateConfig(config).has_value());
  config = testConfig("me");
  config.lockNamespace.clear();
  EXPECT_FALSE(validateConfig(config).has_value());
  config = testConfig("me");
  config.lockName.clear();
  EXPECT_FALSE(validateConfig(config).has_value());
}

TEST(Config, CreateRefusesAnInvalidConfigAndMissingCallbacks) {
  testing::LeaseStore store;
  testing::FakeLeaseClient api(store);
  testing::Recorder recorder;
  auto config = testConfig("me");
  config.renewDeadline = seconds(20);
  EXPECT_FALSE(LeaderElector::create(api, config, recorder.callbacks()).has_value());
  auto callbacks = recorder.callbacks();
  callbacks.onStoppedLeading = nullptr;
  EXPECT_FALSE(LeaderElector::create(api, testConfig("me"), callbacks).has_value());
  EXPECT_TRUE(LeaderElector::create(api, testConfig("me"), recorder.callbacks()).has_value());
}

TEST(Jitter, StandbyWaitsBetweenRetryPeriodAndTwoPointTwoTimesIt) {
  EXPECT_EQ(jitteredRetryPeriod(seconds(2), 0.0), milliseconds(2'000));
  EXPECT_EQ(jitteredRetryPeriod(seconds(2), 0.5), milliseconds(3'200));
  EXPECT_EQ(jitteredRetryPeriod(seconds(2), std::nextafter(1.0, 0.0)), milliseconds(4'399));
  for (int i = 0; i <= 1000; ++i) {
    const auto wait = jitteredRetryPeriod(seconds(2), i / 1000.0);
    EXPECT_GE(wait, milliseconds(2'000));
    EXPECT_LE(wait, milliseconds(4'400));
  }
}

TEST(Identity, IsHostnameUnderscoreVersion4Uuid) {
  std::uint64_t counter = 0x0123456789abcdefULL;
  const RandomSource random = [&counter] { return counter *= 6364136223846793005ULL; };
  const std::regex shape(
      "web-0_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  const std::string first = defaultIdentity("web-0", random);
  EXPECT_TRUE(std::regex_match(first, shape)) << first;
  EXPECT_NE(defaultIdentity("web-0", random), first);
}

TEST(Identity, CreateFillsTheDefaultIdentity) {
  testing::LeaseStore store;
  testing::FakeLeaseClient api(store);
  testing::Recorder recorder;
  auto elector = LeaderElector::create(api, testConfig(""), recorder.callbacks(),
                                       {.random = testing::fixedRandom(0.25)});
  ASSERT_TRUE(elector.has_value()) << elector.error();
  const auto host = localHostname();
  ASSERT_TRUE(host.has_value());
  EXPECT_EQ((*elector)->identity().rfind(*host + "_", 0), 0u) << (*elector)->identity();
  EXPECT_EQ((*elector)->identity().size(), host->size() + 1 + 36);
}

}  // namespace
}  // namespace cop::leaderelection
