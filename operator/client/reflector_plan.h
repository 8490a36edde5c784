#pragma once

// What a reflector does next (kube-runtime.md §1.4-1.7): from which resourceVersion to list or
// watch, when to relist, when to back off, and when the initial events of a watch-list end.
// Pure logic: the caller performs the requests and reports their outcomes with the time and a
// uniform random number; the plan answers with the next request.

#include <optional>
#include <string>

#include "operator/client/reflector_backoff.h"
#include "operator/client/watch_event.h"

namespace cop::client {

enum class ReflectorMode {
  ListThenWatch,  // paginated LIST at RV="", then WATCH from the list's RV (our default, §1.7)
  WatchList,      // WATCH with sendInitialEvents (§1.6), behind a flag; falls back to LIST
};

// Our first LIST is consistent (RV="") and paginated; relists at RV=N are not, so the watch
// cache serves them (§1.7, client-go reflector.go).
inline constexpr int kListPageSize = 500;
// client-go reflector.go minWatchTimeout: watch timeoutSeconds random in [300, 600) (§1.7).
inline constexpr int kMinWatchTimeoutSeconds = 300;
// client-go reflector.go: a watch closed within 1 s with no event is a VeryShortWatchError.
inline constexpr Millis kVeryShortWatch{1000};

struct ReflectorRequest {
  enum class Verb { List, Watch };
  Verb verb = Verb::List;
  std::string resourceVersion;     // "" = most recent, consistent
  int limit = 0;                   // LIST page size; 0 = unpaginated
  bool sendInitialEvents = false;  // WATCH: + resourceVersionMatch=NotOlderThan (§1.6)
  bool allowWatchBookmarks = true;
  Millis delay{0};  // wait this long before sending it
};

// Why a watch could not start (no 200 response).
struct WatchFailure {
  enum class Kind { ConnectionRefused, Transport, Response };
  Kind kind = Kind::Transport;
  ApiStatus status;  // for Response: the HTTP code and the Status body
};

struct EventOutcome {
  bool deliver = false;             // hand the event to the store / handlers
  bool initialEventsEnded = false;  // watch-list: the initial ADDEDs are complete (swap them in)
  std::optional<ReflectorRequest> next;  // set when the stream must be dropped
};

class ReflectorPlan {
 public:
  explicit ReflectorPlan(ReflectorMode mode = ReflectorMode::ListThenWatch,
                         BackoffParameters backoff = kReflectorBackoff);

  ReflectorRequest start();

  // LIST (all pages) succeeded at `resourceVersion`: the caller replaces its store, then
  // watches from there.
  ReflectorRequest onListed(std::string resourceVersion);
  ReflectorRequest onListFailed(const ApiStatus& status, SteadyTime now, double unitRandom);

  // The watch answered 200 at `now` (a stream is open).
  void onWatchStarted(SteadyTime now);
  ReflectorRequest onWatchFailed(const WatchFailure& failure, SteadyTime now, double unitRandom);
  EventOutcome onEvent(const WatchEvent& event, SteadyTime now, double unitRandom);
  // The server closed the stream cleanly (timeout, shutdown, EOF at an event boundary).
  ReflectorRequest onStreamEnded(SteadyTime now, double unitRandom);
  // The stream broke: a decode error, a truncated event, a transport error mid-stream.
  ReflectorRequest onStreamBroken(SteadyTime now, double unitRandom);

  // The RV a rewatch resumes from: the last event's or bookmark's (§1.7).
  const std::string& lastResourceVersion() const { return lastResourceVersion_; }
  bool hasSynced() const { return synced_; }
  ReflectorMode mode() const { return mode_; }

 private:
  ReflectorRequest relist(Millis delay);
  ReflectorRequest rewatch(Millis delay);
  ReflectorRequest watchFrom(std::string resourceVersion, bool sendInitialEvents, Millis delay);
  ReflectorRequest fallBackToList();
  Millis backoff(SteadyTime now, double unitRandom) { return backoff_.next(now, unitRandom); }

  ReflectorMode mode_;
  ReflectorBackoff backoff_;
  std::string lastResourceVersion_;
  bool resourceVersionUnavailable_ = false;  // after Expired/TooLarge: relist at RV=""
  bool synced_ = false;
  bool initialEvents_ = false;  // in a watch-list's initial ADDEDs (not in RV order)
  ReflectorRequest current_;
  SteadyTime watchStarted_{};
  int eventsThisWatch_ = 0;
};

// A watch's timeoutSeconds, random in [300, 600) (client-go reflector.go, §1.7).
int watchTimeoutSeconds(double unitRandom);

}  // namespace cop::client
