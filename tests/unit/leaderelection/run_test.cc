// run(): campaigning, callbacks, renewal, the renew deadline and release on stop (checklist
// §10 items 19-20), with the electors on their own threads and time moved by hand: after each
// step the test waits until every elector thread is waiting on the clock again (SteppingClock),
// so nothing sleeps and nothing depends on scheduling.

#include <gtest/gtest.h>

#include <thread>

#include "operator/leaderelection/leader_elector.h"
#include "operator/leaderelection/registry_election_metrics.h"
#include "operator/metrics/standard_families.h"
#include "tests/unit/leaderelection/elector_rig.h"
#include "tests/unit/leaderelection/fake_lease_client.h"
#include "tests/unit/leaderelection/stepping_clock.h"

namespace cop::leaderelection {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeLeaseClient;
using testing::kLeaseName;
using testing::kNamespace;
using Verb = FakeLeaseClient::Verb;

class Run : public ::testing::Test {
 protected:
  // One candidate process: its client, its elector, the thread running it.
  struct Candidate {
    std::unique_ptr<FakeLeaseClient> api;
    testing::Recorder recorder;
    std::unique_ptr<LeaderElector> elector;
    std::atomic<bool> done{false};
    std::jthread thread;

    // Threads it has waiting on the clock when idle: run() and, while leading, the watchdog.
    std::size_t idleThreads() const {
      if (done) {
        return 0;
      }
      return recorder.leading ? 2 : 1;
    }
  };

  Run() { EXPECT_TRUE(metrics::registerStandardFamilies(registry_).has_value()); }

  ~Run() override {
    for (auto& c : candidates_) {
      c->thread.request_stop();
      if (c->api) {
        c->api->unblock(false);
      }
    }
    candidates_.clear();  // joins
  }

  Candidate& start(const std::string& identity, bool releaseOnCancel = false,
                   double unitRandom = 0.5) {
    auto c = std::make_unique<Candidate>();
    c->api = std::make_unique<FakeLeaseClient>(store_);
    auto created = LeaderElector::create(*c->api, testing::testConfig(identity, releaseOnCancel),
                                         c->recorder.callbacks([this] { clock_.poke(); }),
                                         {.clock = &clock_,
                                          .wallClock = wall_.function(),
                                          .random = testing::fixedRandom(unitRandom),
                                          .metrics = &metrics_});
    EXPECT_TRUE(created.has_value());
    c->elector = std::move(*created);
    Candidate* raw = c.get();
    c->thread = std::jthread([this, raw](std::stop_token stop) {
      raw->elector->run(stop);
      raw->done = true;
      clock_.poke();
    });
    candidates_.push_back(std::move(c));
    EXPECT_TRUE(settle()) << identity << " did not settle after starting";
    return *candidates_.back();
  }

  // False (and the test fails) when the electors do not come back to the clock.
  [[nodiscard]] bool settle() {
    return clock_.settle([this] {
      std::size_t threads = 0;
      for (const auto& c : candidates_) {
        threads += c->idleThreads();
      }
      return threads;
    });
  }

  // Moves time by `total` in steps of `step`, settling after each; stops early once `until()`.
  void step(
      milliseconds total, milliseconds by,
      const std::function<bool()>& until = [] { return false; }) {
    for (milliseconds moved{0}; moved < total && !until(); moved += by) {
      clock_.advance(by);
      wall_.now += by;
      if (!settle()) {
        ADD_FAILURE() << "electors did not settle at +" << moved.count() << " ms";
        return;
      }
    }
  }

  void stop(Candidate& c) {
    c.thread.request_stop();
    c.thread.join();
  }

  LeaderElectionRecord stored() {
    const auto lease = store_.object(kNamespace, kLeaseName);
    EXPECT_TRUE(lease.has_value());
    if (!lease) {
      return {};
    }
    const auto record = recordFromLease(*lease);
    return record.has_value() ? *record : LeaderElectionRecord{};
  }

  double masterStatus() {
    return (*registry_.gauge(metrics::kLeaderElectionMasterStatus, {kLeaseName}))->value();
  }

  testing::SteppingClock clock_;
  testing::FakeWallClock wall_;
  testing::LeaseStore store_;
  metrics::Registry registry_;
  RegistryElectionMetrics metrics_{registry_};
  std::vector<std::unique_ptr<Candidate>> candidates_;
};

TEST_F(Run, LeadsRenewsEveryRetryPeriodAndReleasesOnStop) {
  auto& a = start("a", /*releaseOnCancel=*/true);
  EXPECT_EQ(a.recorder.started, 1);
  EXPECT_TRUE(a.elector->isLeader());
  EXPECT_EQ(a.elector->leaderIdentity(), "a");
  EXPECT_EQ(masterStatus(), 1.0);
  {
    std::lock_guard guard(a.recorder.mutex);
    EXPECT_EQ(a.recorder.newLeaders, std::vector<std::string>{"a"});
  }
  const int updates = a.api->calls(Verb::Update);
  step(seconds(10), seconds(1));
  EXPECT_EQ(a.api->calls(Verb::Update), updates + 5);  // every 2 s, through the fast path
  EXPECT_EQ(a.api->calls(Verb::Get), 1);               // only the first, which found no lease
  EXPECT_EQ(a.recorder.stopped, 0);

  stop(a);
  EXPECT_EQ(a.recorder.stopped, 1);
  EXPECT_EQ(a.recorder.lost, 0);
  EXPECT_FALSE(a.elector->isLeader());
  EXPECT_EQ(masterStatus(), 0.0);
  const auto record = stored();
  EXPECT_EQ(record.holderIdentity, "");
  EXPECT_EQ(record.leaseDurationSeconds, 1);
  EXPECT_EQ(record.leaseTransitions, 0);
}

TEST_F(Run, StopWithoutReleaseLeavesTheLeaseHeld) {
  auto& a = start("a");
  stop(a);
  EXPECT_EQ(a.recorder.stopped, 1);
  EXPECT_EQ(stored().holderIdentity, "a");
}

TEST_F(Run, RenewFailingForRenewDeadlineStopsLeadingBeforeTheStandbyMayTakeOver) {
  auto& a = start("a");
  // The standby is stepped by hand: it observes each renewal the moment it is written, the
  // earliest any candidate can start its timer.
  FakeLeaseClient standbyApi(store_);
  testing::Recorder standbyRecorder;
  auto standby = LeaderElector::create(
      standbyApi, testing::testConfig("b"), standbyRecorder.callbacks(),
      {.clock = &clock_, .wallClock = wall_.function(), .random = testing::fixedRandom(0.5)});
  ASSERT_TRUE(standby.has_value());
  step(seconds(2), seconds(2));  // a renews at t = 2 s
  ASSERT_FALSE((*standby)->tryAcquireOrRenew());
  const queue::TimePoint lastRenewal = clock_.now();
  const int writes = store_.writes();

  a.api->failAll(true);  // the API server is gone for a
  std::optional<queue::TimePoint> stoppedAt;
  step(seconds(30), milliseconds(500), [&] {
    if (a.recorder.stopped > 0 && !stoppedAt) {
      stoppedAt = clock_.now();
    }
    return stoppedAt.has_value();
  });
  ASSERT_TRUE(stoppedAt.has_value()) << "never stopped leading";
  EXPECT_EQ(a.recorder.lost, 1);
  EXPECT_FALSE(a.elector->isLeader());
  EXPECT_EQ(masterStatus(), 0.0);
  // client-go: the next cycle starts RetryPeriod after the last success and has RenewDeadline.
  EXPECT_LE(*stoppedAt - lastRenewal, seconds(12));
  EXPECT_LT(*stoppedAt - lastRenewal, seconds(15));
  EXPECT_FALSE((*standby)->tryAcquireOrRenew());  // the lease is still valid for the standby
  EXPECT_TRUE(a.done);                            // run() returned: the manager exits
  EXPECT_EQ(store_.writes(), writes);

  clock_.advance(lastRenewal + seconds(15) - clock_.now());
  EXPECT_TRUE((*standby)->tryAcquireOrRenew());
  EXPECT_EQ(stored().leaseTransitions, 1);
}

TEST_F(Run, AHangingRenewalStillEndsLeadershipAtTheDeadline) {
  auto& a = start("a");
  const queue::TimePoint lastRenewal = clock_.now();  // run() renews right after acquiring
  a.api->hangNextUpdate();
  clock_.advance(seconds(2));  // the next renewal's PUT hangs
  ASSERT_TRUE(a.api->awaitBlocked());
  const int calls = a.api->calls();
  // Only the watchdog waits on the clock now.
  while (a.recorder.stopped == 0 && clock_.now() - lastRenewal < seconds(30)) {
    ASSERT_TRUE(clock_.settle([] { return 1; }, [&] { return a.recorder.stopped > 0; }))
        << "the watchdog does not wait on the clock";
    if (a.recorder.stopped == 0) {
      clock_.advance(milliseconds(500));
    }
  }
  ASSERT_EQ(a.recorder.lost, 1);
  EXPECT_LE(clock_.now() - lastRenewal, seconds(12));
  EXPECT_FALSE(a.elector->isLeader());
  EXPECT_FALSE(a.done);  // run() still waits for the hung call
  a.api->unblock(/*succeed=*/true);
  a.thread.join();
  EXPECT_EQ(a.api->calls(), calls);  // nothing after the hung call
  EXPECT_EQ(a.recorder.stopped, 1);
}

TEST_F(Run, AStandbyPollsEveryJitteredRetryPeriod) {
  auto& a = start("a");
  auto& b = start("b", false, /*unitRandom=*/0.5);  // waits 2 s + 0.5 x 1.2 x 2 s = 3.2 s
  EXPECT_FALSE(b.elector->isLeader());
  EXPECT_EQ(b.elector->leaderIdentity(), "a");
  EXPECT_EQ(b.api->calls(Verb::Get), 1);
  step(milliseconds(3'100), milliseconds(100));
  EXPECT_EQ(b.api->calls(Verb::Get), 1);
  step(milliseconds(100), milliseconds(100));
  EXPECT_EQ(b.api->calls(Verb::Get), 2);
  step(milliseconds(3'200), milliseconds(100));
  EXPECT_EQ(b.api->calls(Verb::Get), 3);
  EXPECT_EQ(b.recorder.started, 0);
  EXPECT_TRUE(a.elector->isLeader());
}

TEST_F(Run, TwoElectorsNeverLeadAtOnce) {
  std::atomic<int> leaders{0};
  std::atomic<int> mostLeaders{0};
  auto& a = start("a", false, 0.3);
  auto& b = start("b", false, 0.9);
  const auto count = [&] {
    const int now = (a.recorder.leading ? 1 : 0) + (b.recorder.leading ? 1 : 0);
    leaders = now;
    mostLeaders = std::max(mostLeaders.load(), now);
    return false;
  };
  count();
  ASSERT_EQ(leaders, 1);
  Candidate& leader = a.recorder.leading ? a : b;
  Candidate& standby = a.recorder.leading ? b : a;
  step(seconds(60), milliseconds(250), count);
  EXPECT_EQ(leader.recorder.started, 1);
  EXPECT_EQ(standby.recorder.started, 0);

  leader.api->failAll(true);
  step(seconds(40), milliseconds(250), count);
  EXPECT_EQ(leader.recorder.lost, 1);
  EXPECT_EQ(standby.recorder.started, 1);
  EXPECT_EQ(mostLeaders, 1);
  EXPECT_EQ(stored().holderIdentity, standby.elector->identity());
  EXPECT_EQ(stored().leaseTransitions, 1);
}

}  // namespace
}  // namespace cop::leaderelection
