#pragma once

// Leader election on a coordination.k8s.io/v1 Lease, as client-go
// tools/leaderelection/leaderelection.go does it (kube-runtime.md §5, checklist §10 items
// 19-20). Candidates try every RetryPeriod plus up to 1.2 x RetryPeriod of jitter; the leader
// renews every RetryPeriod. A candidate takes a lease over only when its record has not changed
// for the record's leaseDurationSeconds, measured on the candidate's own steady clock from when
// it last saw the record change: record times are never compared with local time, so clock
// offsets between machines do not matter (only skew rates up to about LeaseDuration /
// RenewDeadline are tolerated, as client-go's package comment says). There is no fencing: the
// leader must stop its guarded work within RenewDeadline of failing to renew, which this class
// tells it to do (onStoppedLeading) before any other candidate can consider the lease expired.
//
// Time and waiting go through a queue::Clock and randomness through a RandomSource, so tests
// move time by hand and never sleep.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>
#include <string>

#include "operator/client/api_client.h"
#include "operator/common/result.h"
#include "operator/leaderelection/election_metrics.h"
#include "operator/leaderelection/identity.h"
#include "operator/leaderelection/lease_record.h"
#include "operator/queue/clock.h"

namespace cop::leaderelection {

using Millis = std::chrono::milliseconds;

// controller-runtime pkg/manager/internal.go defaultLeaseDuration: how long a standby waits,
// after it last saw the record change, before it takes the lease over.
inline constexpr Millis kDefaultLeaseDuration{15'000};
// controller-runtime defaultRenewDeadline: how long the leader keeps retrying a failed renewal
// before it gives leadership up.
inline constexpr Millis kDefaultRenewDeadline{10'000};
// controller-runtime defaultRetryPeriod: the interval between attempts, for leader and standby.
inline constexpr Millis kDefaultRetryPeriod{2'000};
// client-go leaderelection.go JitterFactor: a standby's wait is RetryPeriod plus up to this
// times RetryPeriod (wait.JitterUntil), so candidates started together spread out.
inline constexpr double kJitterFactor = 1.2;

struct LeaderElectionConfig {
  std::string lockNamespace;
  std::string lockName;
  // Empty: defaultIdentity(hostname, random) (controller-runtime's hostname_<uuid>).
  std::string identity;
  Millis leaseDuration = kDefaultLeaseDuration;
  Millis renewDeadline = kDefaultRenewDeadline;
  Millis retryPeriod = kDefaultRetryPeriod;
  // On a stop request while leading, hand the lease back (holder "", leaseDurationSeconds 1) so
  // a standby takes over at its next poll instead of after LeaseDuration. client-go and
  // controller-runtime default: off. Set it only when everything the lease guards has stopped
  // before the stop request.
  bool releaseOnCancel = false;
};

// Checks client-go NewLeaderElector's rules: LeaseDuration > RenewDeadline > JitterFactor x
// RetryPeriod, all positive, LeaseDuration at least one second (the Lease holds whole seconds
// and the API server refuses 0), a lock namespace and name.
Expected<void, std::string> validateConfig(const LeaderElectionConfig& config);

// How a term of leadership ended.
enum class LeadershipEnd {
  // No renewal succeeded in time. The caller must stop its guarded work at once; a
  // controller-runtime manager skips graceful shutdown and exits non-zero ("leader election
  // lost").
  Lost,
  // run() was asked to stop (the lease was released first when releaseOnCancel is set).
  Stopped,
};

// Called on run()'s threads; each must return promptly (hand long work to another thread), as
// the elector's timing depends on it. They may call isLeader() and leaderIdentity().
struct LeaderCallbacks {
  // Required. Leadership starts: begin the guarded work.
  std::function<void()> onStartedLeading;
  // Required. Leadership ended; called at most once per onStartedLeading, never without one.
  // For Lost it may come from the elector's watchdog thread while an API call still hangs.
  std::function<void(LeadershipEnd)> onStoppedLeading;
  // Optional. The observed holder changed ("" once a lease has been released).
  std::function<void(const std::string& identity)> onNewLeader;
};

using WallClock = std::function<std::chrono::system_clock::time_point()>;

// What the elector needs besides the API; every member has a production default.
struct ElectorEnvironment {
  // Not owned; must outlive the elector. Null: the steady clock. Waiting and the lease timer.
  queue::Clock* clock = nullptr;
  // Null: std::chrono::system_clock. Only for the times written into the record.
  WallClock wallClock;
  // Null: a std::mt19937_64 seeded from std::random_device. Jitter and the default identity.
  RandomSource random;
  // Not owned; must outlive the elector. Null: no metrics.
  ElectionMetrics* metrics = nullptr;
  // Null: silent. One line per failed API call and per change of leadership (client-go logs the
  // same through klog); never holds a credential (ApiError::describe()).
  std::function<void(const std::string& line)> log;
};

// RetryPeriod + unitRandom x JitterFactor x RetryPeriod (client-go wait.Jitter), unitRandom in
// [0, 1): the wait between a standby's attempts.
Millis jitteredRetryPeriod(Millis retryPeriod, double unitRandom);

class LeaderElector {
 public:
  // Fails when the config is invalid, a callback is missing, or no identity can be made.
  // `api` is not owned and must outlive the elector.
  static Expected<std::unique_ptr<LeaderElector>, std::string> create(
      client::ApiClient& api, LeaderElectionConfig config, LeaderCallbacks callbacks,
      ElectorEnvironment environment = {});

  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;
  ~LeaderElector();

  // Campaigns until leading, then renews until leadership is lost or `stop` is requested.
  // Returns after onStoppedLeading (if leadership started); with releaseOnCancel the lease is
  // released first on a stop. Returns promptly on a stop unless an API call is in flight (the
  // transport's own deadline bounds that). Call at most once at a time.
  void run(std::stop_token stop);

  // Between onStartedLeading and onStoppedLeading. Thread-safe.
  bool isLeader() const;
  // The holder of the lease as last observed ("" if released or not yet seen). Thread-safe.
  std::string leaderIdentity() const;
  const std::string& identity() const { return config_.identity; }
  const LeaderElectionConfig& config() const { return config_; }

  // One step of run(), client-go tryAcquireOrRenew (kube-runtime.md §5 steps 1-4): true when
  // this candidate holds the lease afterwards. Public so that tests drive the algorithm step by
  // step; never call it while run() is active.
  bool tryAcquireOrRenew();
  // client-go tryRelease: GET, and when the record names this candidate, PUT holder "",
  // leaseDurationSeconds 1, both times now and the transitions kept; a 409 starts over, until
  // RenewDeadline has passed. True when the lease is no longer ours. Same rule as above.
  bool release();

 private:
  LeaderElector(client::ApiClient& api, const client::ApiResource& resource,
                LeaderElectionConfig config, LeaderCallbacks callbacks,
                ElectorEnvironment environment);

  MicroTime wallNow() const;
  double unitRandom();
  // Stores the record and restarts the lease timer: only local time counts.
  void setObservedRecord(const LeaderElectionRecord& record);
  bool holdsObservedRecord() const;
  // The observed record's leaseDurationSeconds have not passed since it was observed.
  bool leaseValid(queue::TimePoint now) const;
  // PUT the last lease got back with `record` in it; keeps the server's answer.
  Expected<void, client::ApiError> updateLease(const LeaderElectionRecord& record);
  void maybeReportTransition();
  void log(const std::string& line) const;

  bool acquire(std::stop_token& stop);
  void renew(std::stop_token& stop);
  // The watchdog thread's body: declares leadership lost once renewDeadline_ passes.
  void watchRenewDeadline(std::stop_token stop);
  // Ends a term exactly once (whoever flips leading_ calls this), outside mutex_.
  void reportStopped(LeadershipEnd end);
  // Waits on the clock until `deadline`, a stop request, or `wake()` is true. mutex_ held.
  void waitUntil(std::unique_lock<std::mutex>& lock, queue::TimePoint deadline,
                 const std::stop_token& stop, const std::function<bool()>& wake);

  client::ApiClient& api_;
  const client::ApiResource resource_;
  LeaderElectionConfig config_;
  LeaderCallbacks callbacks_;
  std::unique_ptr<queue::Clock> ownedClock_;
  queue::Clock* clock_;
  WallClock wallClock_;
  RandomSource random_;
  std::unique_ptr<ElectionMetrics> ownedMetrics_;
  ElectionMetrics* metrics_;
  std::function<void(const std::string&)> log_;

  // The lease as last returned by the server: the fast path PUTs it back, its
  // resourceVersion being the optimistic lock (client-go leaselock.go keeps ll.lease).
  std::optional<nlohmann::json> lease_;
  // Used by the thread in tryAcquireOrRenew/release only.
  std::optional<LeaderElectionRecord> observedRecord_;
  queue::TimePoint observedTime_{};
  std::string reportedLeader_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  // Guarded by mutex_: read by other threads and by the watchdog.
  bool leading_ = false;
  std::string observedHolder_;
  queue::TimePoint renewDeadline_{};
};

}  // namespace cop::leaderelection
