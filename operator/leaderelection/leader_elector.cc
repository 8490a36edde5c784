#include "operator/leaderelection/leader_elector.h"

#include <algorithm>
#include <cassert>
#include <random>
#include <thread>
#include <utility>

#include "operator/client/discovery.h"

namespace cop::leaderelection {
namespace {

constexpr std::string_view kLeaseGroup = "coordination.k8s.io";
constexpr std::string_view kLeaseVersion = "v1";
constexpr std::string_view kLeaseKind = "Lease";
// client-go tryRelease: a released lease says it lasts one second, so that standbys (which
// time the record's own duration) take over at their next poll.
constexpr int kReleasedLeaseDurationSeconds = 1;

RandomSource defaultRandom() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return (*engine)(); };
}

}  // namespace

Expected<void, std::string> validateConfig(const LeaderElectionConfig& config) {
  if (config.lockNamespace.empty()) {
    return Unexpected(std::string("the lock namespace is empty"));
  }
  if (config.lockName.empty()) {
    return Unexpected(std::string("the lock name is empty"));
  }
  if (config.retryPeriod <= Millis::zero() || config.renewDeadline <= Millis::zero()) {
    return Unexpected(std::string("retryPeriod and renewDeadline must be greater than zero"));
  }
  if (config.leaseDuration < std::chrono::seconds(1)) {
    return Unexpected(std::string("leaseDuration must be at least 1 s (whole seconds)"));
  }
  if (config.leaseDuration <= config.renewDeadline) {
    return Unexpected(std::string("leaseDuration must be greater than renewDeadline"));
  }
  if (static_cast<double>(config.renewDeadline.count()) <=
      kJitterFactor * static_cast<double>(config.retryPeriod.count())) {
    return Unexpected(std::string("renewDeadline must be greater than retryPeriod*JitterFactor"));
  }
  return {};
}

Millis jitteredRetryPeriod(Millis retryPeriod, double unitRandom) {
  const double unit = std::clamp(unitRandom, 0.0, 1.0);
  const auto extra =
      static_cast<Millis::rep>(unit * kJitterFactor * static_cast<double>(retryPeriod.count()));
  return retryPeriod + Millis(extra);
}

Expected<std::unique_ptr<LeaderElector>, std::string> LeaderElector::create(
    client::ApiClient& api, LeaderElectionConfig config, LeaderCallbacks callbacks,
    ElectorEnvironment environment) {
  COP_TRY(validateConfig(config));
  if (!callbacks.onStartedLeading || !callbacks.onStoppedLeading) {
    return Unexpected(std::string("onStartedLeading and onStoppedLeading are required"));
  }
  const client::ResourceMap resources = client::builtinResourceMap();
  const client::ApiResource* lease = resources.forKind(kLeaseGroup, kLeaseVersion, kLeaseKind);
  if (lease == nullptr) {
    return Unexpected(std::string("no built-in resource for coordination.k8s.io/v1 Lease"));
  }
  if (!environment.random) {
    environment.random = defaultRandom();
  }
  if (config.identity.empty()) {
    COP_ASSIGN_OR_RETURN(hostname, localHostname());
    config.identity = defaultIdentity(hostname, environment.random);
  }
  return std::unique_ptr<LeaderElector>(new LeaderElector(
      api, *lease, std::move(config), std::move(callbacks), std::move(environment)));
}

LeaderElector::LeaderElector(client::ApiClient& api, const client::ApiResource& resource,
                             LeaderElectionConfig config, LeaderCallbacks callbacks,
                             ElectorEnvironment environment)
    : api_(api),
      resource_(resource),
      config_(std::move(config)),
      callbacks_(std::move(callbacks)),
      ownedClock_(environment.clock == nullptr ? std::make_unique<queue::SteadyClock>() : nullptr),
      clock_(environment.clock == nullptr ? ownedClock_.get() : environment.clock),
      wallClock_(environment.wallClock ? std::move(environment.wallClock) : WallClock([] {
        return std::chrono::system_clock::now();
      })),
      random_(std::move(environment.random)),
      ownedMetrics_(environment.metrics == nullptr ? std::make_unique<NoopElectionMetrics>()
                                                   : nullptr),
      metrics_(environment.metrics == nullptr ? ownedMetrics_.get() : environment.metrics),
      log_(std::move(environment.log)) {}

LeaderElector::~LeaderElector() = default;

bool LeaderElector::isLeader() const {
  std::lock_guard guard(mutex_);
  return leading_;
}

std::string LeaderElector::leaderIdentity() const {
  std::lock_guard guard(mutex_);
  return observedHolder_;
}

MicroTime LeaderElector::wallNow() const {
  return std::chrono::floor<std::chrono::microseconds>(wallClock_());
}

double LeaderElector::unitRandom() {
  // The top 53 bits as a double in [0, 1).
  return static_cast<double>(random_() >> 11) * 0x1.0p-53;
}

void LeaderElector::log(const std::string& line) const {
  if (log_) {
    log_("leader election " + config_.lockNamespace + "/" + config_.lockName + ": " + line);
  }
}

void LeaderElector::setObservedRecord(const LeaderElectionRecord& record) {
  observedRecord_ = record;
  observedTime_ = clock_->now();
  std::lock_guard guard(mutex_);
  observedHolder_ = record.holderIdentity;
}

bool LeaderElector::holdsObservedRecord() const {
  return observedRecord_ && observedRecord_->holderIdentity == config_.identity;
}

bool LeaderElector::leaseValid(queue::TimePoint now) const {
  return observedRecord_ &&
         observedTime_ + std::chrono::seconds(observedRecord_->leaseDurationSeconds) > now;
}

Expected<void, client::ApiError> LeaderElector::updateLease(const LeaderElectionRecord& record) {
  assert(lease_.has_value());
  nlohmann::json object = *lease_;
  writeRecordToLease(record, object);
  auto updated = api_.update(resource_, config_.lockNamespace, object);
  if (!updated) {
    return Unexpected(std::move(updated).error());
  }
  lease_ = std::move(updated->object);
  return {};
}

bool LeaderElector::tryAcquireOrRenew() {
  const MicroTime now = wallNow();
  const queue::TimePoint steadyNow = clock_->now();
  LeaderElectionRecord record{
      .holderIdentity = config_.identity,
      .leaseDurationSeconds = static_cast<int>(
          std::chrono::duration_cast<std::chrono::seconds>(config_.leaseDuration).count()),
      .acquireTime = now,
      .renewTime = now,
      .leaseTransitions = 0,
  };

  // 1. The leader's fast path: PUT the lease it last got back, assuming nobody wrote since.
  if (holdsObservedRecord() && leaseValid(steadyNow) && lease_) {
    record.acquireTime = observedRecord_->acquireTime;
    record.leaseTransitions = observedRecord_->leaseTransitions;
    auto updated = updateLease(record);
    if (updated) {
      setObservedRecord(record);
      return true;
    }
    log("optimistic renewal failed, falling back to the slow path: " + updated.error().describe());
  }

  // 2. Get the lease, or create it.
  auto got = api_.get(resource_, config_.lockNamespace, config_.lockName);
  if (!got) {
    if (!client::isNotFound(got.error())) {
      log("cannot get the lease: " + got.error().describe());
      return false;
    }
    auto created = api_.create(resource_, config_.lockNamespace,
                               newLease(config_.lockNamespace, config_.lockName, record));
    if (!created) {
      // A create race leaves one 409 AlreadyExists loser: it reads the winner next time.
      log("cannot create the lease: " + created.error().describe());
      return false;
    }
    lease_ = std::move(created->object);
    setObservedRecord(record);
    return true;
  }
  lease_ = std::move(got->object);
  auto current = recordFromLease(*lease_);
  if (!current) {
    log("the lease holds no readable record: " + current.error());
    return false;
  }

  // 3. A changed record restarts the local timer; an unexpired lease of another holder stands.
  if (!observedRecord_ || *observedRecord_ != *current) {
    setObservedRecord(*current);
  }
  if (!current->holderIdentity.empty() && leaseValid(steadyNow) && !holdsObservedRecord()) {
    return false;
  }

  // 4. Take the lease, or renew it through the slow path.
  if (holdsObservedRecord()) {
    record.acquireTime = current->acquireTime;
    record.leaseTransitions = current->leaseTransitions;
    metrics_->incSlowpath(config_.lockName);
  } else {
    record.leaseTransitions = current->leaseTransitions + 1;
  }
  auto updated = updateLease(record);
  if (!updated) {
    // A 409: another candidate wrote first; it has the lease.
    log("cannot update the lease: " + updated.error().describe());
    return false;
  }
  setObservedRecord(record);
  return true;
}

bool LeaderElector::release() {
  const queue::TimePoint deadline = clock_->now() + config_.renewDeadline;
  while (true) {
    auto got = api_.get(resource_, config_.lockNamespace, config_.lockName);
    if (!got) {
      log("cannot get the lease to release it: " + got.error().describe());
      return client::isNotFound(got.error());
    }
    lease_ = std::move(got->object);
    auto current = recordFromLease(*lease_);
    if (!current) {
      log("the lease holds no readable record: " + current.error());
      return false;
    }
    setObservedRecord(*current);
    if (current->holderIdentity != config_.identity) {
      return true;  // not ours (any more): nothing to give back
    }
    const MicroTime now = wallNow();
    const LeaderElectionRecord released{
        .holderIdentity = "",
        .leaseDurationSeconds = kReleasedLeaseDurationSeconds,
        .acquireTime = now,
        .renewTime = now,
        .leaseTransitions = current->leaseTransitions,
    };
    auto updated = updateLease(released);
    if (updated) {
      setObservedRecord(released);
      log("released the lease");
      return true;
    }
    log("cannot release the lease: " + updated.error().describe());
    if (!client::isConflict(updated.error()) || clock_->now() >= deadline) {
      return false;
    }
  }
}

void LeaderElector::maybeReportTransition() {
  const std::string holder = leaderIdentity();
  if (holder == reportedLeader_) {
    return;
  }
  reportedLeader_ = holder;
  log("new leader \"" + holder + "\"");
  if (callbacks_.onNewLeader) {
    callbacks_.onNewLeader(holder);
  }
}

void LeaderElector::waitUntil(std::unique_lock<std::mutex>& lock, queue::TimePoint deadline,
                              const std::stop_token& stop, const std::function<bool()>& wake) {
  while (!stop.stop_requested() && !wake() && clock_->now() < deadline) {
    clock_->waitUntil(lock, cv_, deadline);
  }
}

void LeaderElector::reportStopped(LeadershipEnd end) {
  metrics_->setMasterStatus(config_.lockName, false);
  log(end == LeadershipEnd::Lost ? "leadership lost: no renewal within the renew deadline"
                                 : "stopped leading");
  callbacks_.onStoppedLeading(end);
}

void LeaderElector::run(std::stop_token stop) {
  // Taking the mutex orders the notify after a waiter's check of the stop token.
  std::stop_callback wakeOnStop(stop, [this] {
    std::lock_guard guard(mutex_);
    cv_.notify_all();
  });
  metrics_->setMasterStatus(config_.lockName, false);
  if (!acquire(stop)) {
    return;
  }
  {
    std::lock_guard guard(mutex_);
    leading_ = true;
    // client-go renew() starts its first cycle at once, with RenewDeadline to succeed.
    renewDeadline_ = clock_->now() + config_.renewDeadline;
  }
  metrics_->setMasterStatus(config_.lockName, true);
  log("started leading as \"" + config_.identity + "\"");
  callbacks_.onStartedLeading();
  {
    // The watchdog ends leadership at the deadline even when an API call hangs (client-go
    // cancels the call's context; ApiClient calls cannot be cancelled).
    std::jthread watchdog(
        [this](std::stop_token watchdogStop) { watchRenewDeadline(std::move(watchdogStop)); });
    renew(stop);
  }
  bool wasLeading = false;
  {
    std::lock_guard guard(mutex_);
    wasLeading = std::exchange(leading_, false);
  }
  if (!wasLeading) {
    return;  // lost: reported by whoever saw it, and no write after that
  }
  if (config_.releaseOnCancel) {
    release();
  }
  reportStopped(LeadershipEnd::Stopped);
}

bool LeaderElector::acquire(std::stop_token& stop) {
  std::unique_lock lock(mutex_, std::defer_lock);
  while (!stop.stop_requested()) {
    const bool acquired = tryAcquireOrRenew();
    maybeReportTransition();
    if (acquired) {
      return true;
    }
    // wait.JitterUntil(..., RetryPeriod, JitterFactor, sliding=true): the wait starts after
    // the attempt.
    const queue::TimePoint next =
        clock_->now() + jitteredRetryPeriod(config_.retryPeriod, unitRandom());
    lock.lock();
    waitUntil(lock, next, stop, [] { return false; });
    lock.unlock();
  }
  return false;
}

void LeaderElector::renew(std::stop_token& stop) {
  std::unique_lock lock(mutex_, std::defer_lock);
  while (!stop.stop_requested()) {
    const queue::TimePoint attemptStart = clock_->now();
    const bool renewed = tryAcquireOrRenew();
    maybeReportTransition();
    lock.lock();
    if (!leading_) {
      return;  // the watchdog declared the loss
    }
    const queue::TimePoint now = clock_->now();
    if (now >= renewDeadline_) {
      // Whatever this attempt did, it ended after the deadline: client-go's context would have
      // cut it off, and leadership is over.
      leading_ = false;
      cv_.notify_all();
      lock.unlock();
      reportStopped(LeadershipEnd::Lost);
      return;
    }
    queue::TimePoint next;
    if (renewed) {
      // wait.Until(..., RetryPeriod) slides: the next cycle starts RetryPeriod after this
      // success, and has RenewDeadline to succeed (wait.PollUntilContextTimeout).
      next = now + config_.retryPeriod;
      renewDeadline_ = next + config_.renewDeadline;
    } else {
      // Within a cycle, attempts are RetryPeriod apart.
      next = attemptStart + config_.retryPeriod;
    }
    waitUntil(lock, next, stop, [this] { return !leading_; });
    const bool stillLeading = leading_;
    lock.unlock();
    if (!stillLeading) {
      return;
    }
  }
}

void LeaderElector::watchRenewDeadline(std::stop_token stop) {
  std::stop_callback wakeOnStop(stop, [this] {
    std::lock_guard guard(mutex_);
    cv_.notify_all();
  });
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested() && leading_) {
    if (clock_->now() >= renewDeadline_) {
      leading_ = false;
      cv_.notify_all();  // wakes run()'s thread, which then writes nothing more
      lock.unlock();
      reportStopped(LeadershipEnd::Lost);
      return;
    }
    clock_->waitUntil(lock, cv_, renewDeadline_);
  }
}

}  // namespace cop::leaderelection
