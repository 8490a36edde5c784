#pragma once

// The list/watch loop of one informer (kube-runtime.md §1.7, client-go tools/cache/reflector.go):
// it performs what ReflectorPlan (operator/client/reflector_plan.h) decides, over an ApiClient,
// and keeps an ObjectStore equal to the server's collection. Every change of the store goes to
// a sink as a StoreEvent, in watch order.
//
// A relist replaces the store (objects deleted while disconnected vanish, §9), a watch-list's
// initial events are gathered and swapped in at the end bookmark (§1.6), a dropped stream
// resumes from the last resourceVersion with no LIST (§10.3), and every failure backs off as
// client-go does (§1.7). run() returns only when the stop token is triggered.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "operator/cache/object_store.h"
#include "operator/client/api_client.h"
#include "operator/client/reflector_plan.h"

namespace cop::cache {

struct ReflectorOptions {
  client::ApiResource resource;
  std::string nameSpace;  // "" = every namespace
  std::string labelSelector;
  std::string fieldSelector;
  bool metadataOnly = false;  // PartialObjectMetadata (§8)
  client::ReflectorMode mode = client::ReflectorMode::ListThenWatch;
  // client-go's 800 ms doubling to 30 s (§1.7); tests shorten it.
  client::BackoffParameters backoff = client::kReflectorBackoff;
  // Told of every failed LIST or WATCH request (`verb` "list" or "watch") before the back-off.
  // client-go's reflector logs each one: without it, a refusal such as a 403 from missing RBAC
  // would show only as a cache that never syncs. Null: not reported.
  std::function<void(std::string_view verb, const client::ApiError& error)> onRequestFailed;
};

// Receives the store's changes; `initialList` is true for the events of the first sync.
using StoreEventSink = std::function<void(const StoreEvent& event, bool initialList)>;

// A uniform random number in [0, 1), for jitter; injectable so tests are deterministic.
using UnitRandom = std::function<double()>;

// What the loop did, for tests and metrics: counts of each request it sent.
struct ReflectorCounters {
  int lists = 0;  // LIST requests (each page counts)
  int watches = 0;
  int relists = 0;  // LISTs after the first sync
  // ERROR events with 410 Expired inside a watch stream (§1.3): the RV left the server's window.
  int expiredEvents = 0;
};

class Reflector {
 public:
  Reflector(client::ApiClient& client, ReflectorOptions options, ObjectStore& store,
            StoreEventSink sink, UnitRandom random);

  // Lists and watches until `stop` is requested.
  void run(std::stop_token stop);

  bool hasSynced() const;
  std::string lastResourceVersion() const;
  ReflectorCounters counters() const;

 private:
  // Each returns the next request.
  client::ReflectorRequest list(const client::ReflectorRequest& request, std::stop_token stop);
  client::ReflectorRequest watch(const client::ReflectorRequest& request, std::stop_token stop);
  void deliver(const StoreEvent& event);
  void report(std::string_view verb, const client::ApiError& error) const;
  // Waits `delay` or until stop; false when stopped.
  bool wait(client::Millis delay, std::stop_token stop);
  void record(const std::function<void(ReflectorCounters&)>& change);

  client::ApiClient& client_;
  ReflectorOptions options_;
  ObjectStore& store_;
  StoreEventSink sink_;
  UnitRandom random_;
  client::ReflectorPlan plan_;  // only the run() thread touches it

  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  bool synced_ = false;           // guarded by mutex_
  std::string lastRv_;            // guarded by mutex_
  ReflectorCounters counters_;    // guarded by mutex_
  bool initialSyncDone_ = false;  // run() thread only
};

// The ApiError of a failed request as the plan reads it (the two status types meet here).
client::ApiStatus toApiStatus(const client::ApiError& error);

}  // namespace cop::cache
