// tryAcquireOrRenew and release step by step (kube-runtime.md §5 steps 1-4, tryRelease), on a
// fake clock and an in-memory Lease collection with real optimistic concurrency. Only local
// time counts: a record's own times are only watched for change.

#include <gtest/gtest.h>

#include "operator/leaderelection/leader_elector.h"
#include "operator/leaderelection/registry_election_metrics.h"
#include "operator/metrics/standard_families.h"
#include "operator/queue/fake_clock.h"
#include "tests/unit/leaderelection/elector_rig.h"
#include "tests/unit/leaderelection/fake_lease_client.h"

namespace cop::leaderelection {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeLeaseClient;
using testing::kLeaseName;
using testing::kNamespace;
using Verb = FakeLeaseClient::Verb;

class TryAcquire : public ::testing::Test {
 protected:
  struct Candidate {
    std::unique_ptr<FakeLeaseClient> api;
    testing::Recorder recorder;
    std::unique_ptr<LeaderElector> elector;
  };

  TryAcquire() { EXPECT_TRUE(metrics::registerStandardFamilies(registry_).has_value()); }

  Candidate& candidate(const std::string& identity, bool releaseOnCancel = false) {
    auto c = std::make_unique<Candidate>();
    c->api = std::make_unique<FakeLeaseClient>(store_);
    auto created = LeaderElector::create(*c->api, testing::testConfig(identity, releaseOnCancel),
                                         c->recorder.callbacks(),
                                         {.clock = &clock_,
                                          .wallClock = wall_.function(),
                                          .random = testing::fixedRandom(0.5),
                                          .metrics = &metrics_});
    EXPECT_TRUE(created.has_value());
    c->elector = std::move(*created);
    candidates_.push_back(std::move(c));
    return *candidates_.back();
  }

  // Both clocks move together unless a test says otherwise.
  void advance(milliseconds by) {
    clock_.advance(by);
    wall_.now += by;
  }

  LeaderElectionRecord stored() {
    const auto lease = store_.object(kNamespace, kLeaseName);
    EXPECT_TRUE(lease.has_value());
    const auto record = recordFromLease(lease.value_or(nlohmann::json::object()));
    EXPECT_TRUE(record.has_value());
    return record.has_value() ? *record : LeaderElectionRecord{};
  }

  // A lease written by a candidate this test does not run.
  void storeHeldBy(const std::string& holder, MicroTime times, int transitions) {
    store_.put(kNamespace, newLease(kNamespace, kLeaseName,
                                    {.holderIdentity = holder,
                                     .leaseDurationSeconds = 15,
                                     .acquireTime = times,
                                     .renewTime = times,
                                     .leaseTransitions = transitions}));
  }

  MicroTime wallNow() const { return std::chrono::floor<std::chrono::microseconds>(wall_.now); }

  double slowpaths() {
    return (*registry_.counter(metrics::kLeaderElectionSlowpathTotal, {kLeaseName}))->value();
  }

  queue::FakeClock clock_;
  testing::FakeWallClock wall_;
  testing::LeaseStore store_;
  metrics::Registry registry_;
  RegistryElectionMetrics metrics_{registry_};
  std::vector<std::unique_ptr<Candidate>> candidates_;
};

TEST_F(TryAcquire, CreatesAMissingLeaseWithZeroTransitions) {
  auto& a = candidate("a");
  EXPECT_TRUE(a.elector->tryAcquireOrRenew());
  EXPECT_EQ(a.api->calls(Verb::Create), 1);
  const auto record = stored();
  EXPECT_EQ(record.holderIdentity, "a");
  EXPECT_EQ(record.leaseDurationSeconds, 15);
  EXPECT_EQ(record.leaseTransitions, 0);
  EXPECT_EQ(record.acquireTime, wallNow());
  EXPECT_EQ(record.renewTime, wallNow());
  EXPECT_EQ(a.elector->leaderIdentity(), "a");
}

TEST_F(TryAcquire, ACreateRaceLeavesOneLoserWhoThenSeesTheWinner) {
  auto& a = candidate("a");
  auto& b = candidate("b");
  b.api->failNext(Verb::Get, testing::notFoundError());  // b read before a created
  EXPECT_TRUE(a.elector->tryAcquireOrRenew());
  EXPECT_FALSE(b.elector->tryAcquireOrRenew());  // its create: 409 AlreadyExists
  EXPECT_EQ(b.api->calls(Verb::Create), 1);
  EXPECT_FALSE(b.elector->tryAcquireOrRenew());
  EXPECT_EQ(b.elector->leaderIdentity(), "a");
  EXPECT_EQ(stored().holderIdentity, "a");
}

TEST_F(TryAcquire, AStandbyDoesNotTakeAFreshLease) {
  auto& a = candidate("a");
  auto& b = candidate("b");
  ASSERT_TRUE(a.elector->tryAcquireOrRenew());
  for (int i = 0; i < 7; ++i) {
    EXPECT_FALSE(b.elector->tryAcquireOrRenew());
    advance(seconds(2));
    ASSERT_TRUE(a.elector->tryAcquireOrRenew());  // renewed every 2 s
  }
  EXPECT_EQ(stored().holderIdentity, "a");
  EXPECT_EQ(b.elector->leaderIdentity(), "a");
  EXPECT_EQ(b.api->calls(Verb::Update), 0);
}

// The record's renewTime says nothing to a standby: it may come from a clock hours off.
class TakeoverTiming : public TryAcquire, public ::testing::WithParamInterface<int> {};

TEST_P(TakeoverTiming, OnlyAfterLeaseDurationFromTheStandbysOwnObservation) {
  const MicroTime recordTime = wallNow() + std::chrono::hours(GetParam());
  storeHeldBy("ghost", recordTime, 4);
  auto& b = candidate("b");
  EXPECT_FALSE(b.elector->tryAcquireOrRenew());  // first sight: the timer starts now
  advance(milliseconds(14'999));
  EXPECT_FALSE(b.elector->tryAcquireOrRenew());
  EXPECT_EQ(stored().holderIdentity, "ghost");
  advance(milliseconds(1));
  EXPECT_TRUE(b.elector->tryAcquireOrRenew());
  EXPECT_EQ(stored().holderIdentity, "b");
}

INSTANTIATE_TEST_SUITE_P(RecordTimes, TakeoverTiming, ::testing::Values(-24 * 365, 0, 24 * 365),
                         [](const auto& info) {
                           return info.param < 0   ? std::string("RecordYearsInThePast")
                                  : info.param > 0 ? std::string("RecordYearsInTheFuture")
                                                   : std::string("RecordAtLocalTime");
                         });

TEST_F(TryAcquire, AChangedRecordRestartsTheStandbysTimer) {
  storeHeldBy("ghost", wallNow(), 0);
  auto& b = candidate("b");
  EXPECT_FALSE(b.elector->tryAcquireOrRenew());
  advance(seconds(10));
  storeHeldBy("ghost", wallNow(), 0);  // renewed
  EXPECT_FALSE(b.elector->tryAcquireOrRenew());
  advance(milliseconds(14'999));
  EXPECT_FALSE(b.elector->tryAcquireOrRenew());
  advance(milliseconds(1));
  EXPECT_TRUE(b.elector->tryAcquireOrRenew());
}

TEST_F(TryAcquire, TakeoverAddsOneTransitionAndStartsANewTerm) {
  storeHeldBy("ghost", wallNow(), 7);
  auto& b = candidate("b");
  EXPECT_FALSE(b.elector->tryAcquireOrRenew());
  advance(seconds(15));
  ASSERT_TRUE(b.elector->tryAcquireOrRenew());
  const auto record = stored();
  EXPECT_EQ(record.holderIdentity, "b");
  EXPECT_EQ(record.leaseTransitions, 8);
  EXPECT_EQ(record.acquireTime, wallNow());
  EXPECT_EQ(record.renewTime, wallNow());
  EXPECT_EQ(record.leaseDurationSeconds, 15);
}

TEST_F(TryAcquire, TheLeaderRenewsThroughTheFastPathAndKeepsAcquireTime) {
  auto& a = candidate("a");
  ASSERT_TRUE(a.elector->tryAcquireOrRenew());
  const MicroTime acquired = wallNow();
  const int getsBefore = a.api->calls(Verb::Get);
  for (int i = 0; i < 3; ++i) {
    advance(seconds(2));
    ASSERT_TRUE(a.elector->tryAcquireOrRenew());
  }
  EXPECT_EQ(a.api->calls(Verb::Get), getsBefore);  // a PUT each time, no GET
  EXPECT_EQ(a.api->calls(Verb::Update), 3);
  const auto record = stored();
  EXPECT_EQ(record.acquireTime, acquired);
  EXPECT_EQ(record.renewTime, wallNow());
  EXPECT_EQ(record.leaseTransitions, 0);
  EXPECT_EQ(slowpaths(), 0.0);
}

TEST_F(TryAcquire, AFastPathConflictTakesTheSlowPathAndIsCounted) {
  auto& a = candidate("a");
  ASSERT_TRUE(a.elector->tryAcquireOrRenew());
  const MicroTime acquired = wallNow();
  // Someone else writes the object (a label, say): the leader's resourceVersion is stale.
  auto lease = *store_.object(kNamespace, kLeaseName);
  lease["metadata"]["labels"] = {{"touched", "yes"}};
  store_.put(kNamespace, lease);
  advance(seconds(2));
  const int getsBefore = a.api->calls(Verb::Get);
  EXPECT_TRUE(a.elector->tryAcquireOrRenew());
  EXPECT_EQ(a.api->calls(Verb::Get), getsBefore + 1);
  EXPECT_EQ(a.api->calls(Verb::Update), 2);  // the failed fast path, then the slow path's PUT
  EXPECT_EQ(slowpaths(), 1.0);
  const auto record = stored();
  EXPECT_EQ(record.holderIdentity, "a");
  EXPECT_EQ(record.acquireTime, acquired);
  EXPECT_EQ(record.leaseTransitions, 0);
  EXPECT_EQ(store_.object(kNamespace, kLeaseName)->at("metadata").at("labels").at("touched"),
            "yes");
}

TEST_F(TryAcquire, ATakeoverIsNotASlowPath) {
  storeHeldBy("ghost", wallNow(), 0);
  auto& b = candidate("b");
  EXPECT_FALSE(b.elector->tryAcquireOrRenew());
  advance(seconds(15));
  ASSERT_TRUE(b.elector->tryAcquireOrRenew());
  EXPECT_EQ(slowpaths(), 0.0);
}

TEST_F(TryAcquire, LosingTheUpdateRaceMeansNotLeader) {
  storeHeldBy("ghost", wallNow(), 0);
  auto& b = candidate("b");
  EXPECT_FALSE(b.elector->tryAcquireOrRenew());
  advance(seconds(15));
  b.api->failNext(Verb::Update, testing::conflictError());
  EXPECT_FALSE(b.elector->tryAcquireOrRenew());
  EXPECT_EQ(stored().holderIdentity, "ghost");
}

TEST_F(TryAcquire, AnUnreadableRecordIsNeverTakenAsFree) {
  auto lease = newLease(kNamespace, kLeaseName, {});
  lease["spec"]["holderIdentity"] = 42;
  store_.put(kNamespace, lease);
  auto& b = candidate("b");
  advance(seconds(60));
  EXPECT_FALSE(b.elector->tryAcquireOrRenew());
  EXPECT_EQ(b.api->calls(Verb::Update), 0);
}

TEST_F(TryAcquire, ReleaseEmptiesTheHolderWithDurationOneAndKeepsTransitions) {
  storeHeldBy("ghost", wallNow(), 5);
  auto& a = candidate("a");
  EXPECT_FALSE(a.elector->tryAcquireOrRenew());
  advance(seconds(15));
  ASSERT_TRUE(a.elector->tryAcquireOrRenew());  // transitions 6
  advance(seconds(2));
  ASSERT_TRUE(a.elector->release());
  const auto record = stored();
  EXPECT_EQ(record.holderIdentity, "");
  EXPECT_EQ(record.leaseDurationSeconds, 1);
  EXPECT_EQ(record.leaseTransitions, 6);
  EXPECT_EQ(record.acquireTime, wallNow());
  EXPECT_EQ(record.renewTime, wallNow());
}

TEST_F(TryAcquire, AReleasedLeaseIsTakenAtTheNextPoll) {
  auto& a = candidate("a");
  auto& b = candidate("b");
  ASSERT_TRUE(a.elector->tryAcquireOrRenew());
  EXPECT_FALSE(b.elector->tryAcquireOrRenew());
  advance(seconds(1));
  ASSERT_TRUE(a.elector->release());
  advance(milliseconds(10));
  EXPECT_TRUE(b.elector->tryAcquireOrRenew());
  EXPECT_EQ(stored().holderIdentity, "b");
  EXPECT_EQ(stored().leaseTransitions, 1);
}

TEST_F(TryAcquire, ReleaseStartsOverOnAConflict) {
  auto& a = candidate("a");
  ASSERT_TRUE(a.elector->tryAcquireOrRenew());
  a.api->failNext(Verb::Update, testing::conflictError());
  const int getsBefore = a.api->calls(Verb::Get);
  EXPECT_TRUE(a.elector->release());
  EXPECT_EQ(a.api->calls(Verb::Get), getsBefore + 2);
  EXPECT_EQ(stored().holderIdentity, "");
}

TEST_F(TryAcquire, ReleaseGivesUpOnOtherErrors) {
  auto& a = candidate("a");
  ASSERT_TRUE(a.elector->tryAcquireOrRenew());
  a.api->failNext(Verb::Update, testing::unavailableError());
  EXPECT_FALSE(a.elector->release());
  EXPECT_EQ(stored().holderIdentity, "a");
}

TEST_F(TryAcquire, ReleaseWritesNothingWhenTheLeaseIsNotOurs) {
  storeHeldBy("ghost", wallNow(), 3);
  auto& a = candidate("a");
  const int writes = store_.writes();
  EXPECT_TRUE(a.elector->release());
  EXPECT_EQ(a.api->calls(Verb::Update), 0);
  EXPECT_EQ(store_.writes(), writes);
  EXPECT_EQ(stored().holderIdentity, "ghost");
}

}  // namespace
}  // namespace cop::leaderelection
