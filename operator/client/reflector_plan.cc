#include "operator/client/reflector_plan.h"

#include <algorithm>

namespace cop::client {
namespace {

// HTTP codes of §4.1.
constexpr int kCodeInvalid = 422;
constexpr int kCodeTooManyRequests = 429;

bool expiredOrTooLarge(const ApiStatus& status) {
  return status.isExpired() || status.isResourceVersionTooLarge();
}

}  // namespace

int watchTimeoutSeconds(double unitRandom) {
  const double random = std::clamp(unitRandom, 0.0, 1.0);
  const int extra = static_cast<int>(random * kMinWatchTimeoutSeconds);
  return kMinWatchTimeoutSeconds + std::min(extra, kMinWatchTimeoutSeconds - 1);
}

ReflectorPlan::ReflectorPlan(ReflectorMode mode, BackoffParameters backoff)
    : mode_(mode), backoff_(backoff) {}

ReflectorRequest ReflectorPlan::start() {
  if (mode_ == ReflectorMode::WatchList) {
    return watchFrom("", true, Millis{0});
  }
  current_ = ReflectorRequest{ReflectorRequest::Verb::List, "", kListPageSize};
  return current_;
}

ReflectorRequest ReflectorPlan::relist(Millis delay) {
  // client-go relistResourceVersion: at the last RV (served from the cache, "not older than"),
  // or RV="" (consistent) once that failed with Expired/TooLarge (§1.5). Ours starts at RV="".
  const std::string resourceVersion =
      resourceVersionUnavailable_ ? std::string() : lastResourceVersion_;
  if (mode_ == ReflectorMode::WatchList) {
    return watchFrom(resourceVersion, true, delay);
  }
  current_ = ReflectorRequest{ReflectorRequest::Verb::List, resourceVersion,
                              resourceVersion.empty() ? kListPageSize : 0};
  current_.delay = delay;
  return current_;
}

ReflectorRequest ReflectorPlan::watchFrom(std::string resourceVersion, bool sendInitialEvents,
                                          Millis delay) {
  current_ = ReflectorRequest{ReflectorRequest::Verb::Watch, std::move(resourceVersion), 0,
                              sendInitialEvents};
  current_.delay = delay;
  initialEvents_ = sendInitialEvents;  // until the end bookmark of this request arrives
  return current_;
}

ReflectorRequest ReflectorPlan::rewatch(Millis delay) {
  if (initialEvents_) {
    // The initial ADDEDs did not finish: their RVs were not recorded, so ask for them again.
    return watchFrom(current_.resourceVersion, current_.sendInitialEvents, delay);
  }
  return watchFrom(lastResourceVersion_, false, delay);
}

ReflectorRequest ReflectorPlan::fallBackToList() {
  // Ours (§1.6): a 422 (server gate off) or an ERROR (old etcd) means list+watch from now on.
  mode_ = ReflectorMode::ListThenWatch;
  initialEvents_ = false;
  current_ = ReflectorRequest{ReflectorRequest::Verb::List, "", kListPageSize};
  return current_;
}

ReflectorRequest ReflectorPlan::onListed(std::string resourceVersion) {
  lastResourceVersion_ = std::move(resourceVersion);
  resourceVersionUnavailable_ = false;
  synced_ = true;
  return watchFrom(lastResourceVersion_, false, Millis{0});
}

ReflectorRequest ReflectorPlan::onListFailed(const ApiStatus& status, SteadyTime now,
                                             double unitRandom) {
  if (expiredOrTooLarge(status) && !resourceVersionUnavailable_) {
    // client-go reflector.go list: "RV unavailable", retry at once with RV="" (§1.7).
    resourceVersionUnavailable_ = true;
    return relist(Millis{0});
  }
  return relist(backoff(now, unitRandom));
}

void ReflectorPlan::onWatchStarted(SteadyTime now) {
  watchStarted_ = now;
  eventsThisWatch_ = 0;
}

ReflectorRequest ReflectorPlan::onWatchFailed(const WatchFailure& failure, SteadyTime now,
                                              double unitRandom) {
  const bool refusedOrThrottled =
      failure.kind == WatchFailure::Kind::ConnectionRefused ||
      (failure.kind == WatchFailure::Kind::Response && failure.status.code == kCodeTooManyRequests);
  if (refusedOrThrottled) {
    // An apiserver restarting or warming its cache: back off, rewatch, no relist (§1.4, §1.7).
    return rewatch(backoff(now, unitRandom));
  }
  if (current_.sendInitialEvents && failure.kind == WatchFailure::Kind::Response &&
      failure.status.code == kCodeInvalid) {
    return fallBackToList();
  }
  return relist(backoff(now, unitRandom));
}

EventOutcome ReflectorPlan::onEvent(const WatchEvent& event, SteadyTime now, double unitRandom) {
  EventOutcome outcome;
  ++eventsThisWatch_;
  switch (event.type) {
    case WatchEventType::Bookmark:
      // A bookmark advances the RV and is never delivered (§1.3, kube-rs watcher.rs).
      if (const std::string rv = event.resourceVersion(); !rv.empty()) {
        lastResourceVersion_ = rv;
      }
      if (initialEvents_ && event.isInitialEventsEnd()) {
        initialEvents_ = false;
        resourceVersionUnavailable_ = false;
        synced_ = true;
        outcome.initialEventsEnded = true;
      }
      return outcome;
    case WatchEventType::Added:
      outcome.deliver = true;
      if (!initialEvents_) {
        lastResourceVersion_ = event.resourceVersion();
      }
      // The initial ADDEDs are not in RV order: their RVs are not recorded (§1.7).
      return outcome;
    case WatchEventType::Modified:
    case WatchEventType::Deleted:
      outcome.deliver = true;
      lastResourceVersion_ = event.resourceVersion();
      return outcome;
    case WatchEventType::Error:
      break;
  }
  const ApiStatus status = event.status.value_or(ApiStatus{500});
  if (initialEvents_) {
    initialEvents_ = false;
    if (expiredOrTooLarge(status) && !resourceVersionUnavailable_) {
      resourceVersionUnavailable_ = true;
      outcome.next = relist(Millis{0});
      return outcome;
    }
    outcome.next = fallBackToList();  // §1.6: e.g. ERROR 500 without RequestWatchProgress
    return outcome;
  }
  if (status.code == kCodeTooManyRequests) {
    outcome.next = rewatch(backoff(now, unitRandom));  // back off, rewatch (§1.7)
    return outcome;
  }
  // 410 Expired / Gone, TooLarge: relist at the last RV first (§1.5). 500 and any other ERROR:
  // relist too (MaxInternalErrorRetryDuration defaults to 0). Always after a back-off.
  outcome.next = relist(backoff(now, unitRandom));
  return outcome;
}

ReflectorRequest ReflectorPlan::onStreamEnded(SteadyTime now, double unitRandom) {
  if (eventsThisWatch_ == 0 && now - watchStarted_ < kVeryShortWatch) {
    return onStreamBroken(now, unitRandom);  // VeryShortWatchError: relist after a back-off
  }
  return rewatch(Millis{0});  // resume from the last event or bookmark, no LIST (§10.3)
}

ReflectorRequest ReflectorPlan::onStreamBroken(SteadyTime now, double unitRandom) {
  initialEvents_ = false;
  return relist(backoff(now, unitRandom));
}

}  // namespace cop::client
