#pragma once

// An informer for one kind (kube-runtime.md §2.1, §2.6): a Reflector filling an indexed
// ObjectStore on its own thread, event handlers told of every change, a "has synced" signal,
// and a periodic resync that replays the cache to the handlers without any request.
// Controllers read the store (the cache-backed reader) and never list the server themselves.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include "operator/cache/event_handler.h"
#include "operator/cache/object_store.h"
#include "operator/cache/reflector.h"

namespace cop::cache {

// controller-runtime pkg/cache/cache.go SyncPeriod: 10 h. It only masks lost requeues, so it is
// long (§2.6); reconcilers that poll use RequeueAfter.
inline constexpr std::chrono::milliseconds kDefaultResyncPeriod = std::chrono::hours(10);
// controller-runtime internal/informers.go calculateResyncPeriod: ×[0.9, 1.1) per informer, so
// informers started together do not resync together.
inline constexpr double kResyncJitter = 0.1;

struct InformerOptions {
  ReflectorOptions reflector;
  std::chrono::milliseconds resyncPeriod = kDefaultResyncPeriod;  // 0: never
  UnitRandom random;                                              // null: a seeded std::mt19937_64
};

class Informer {
 public:
  Informer(client::ApiClient& client, InformerOptions options);
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;
  ~Informer();  // stop()

  // Adds a handler; one added after objects are cached first gets onAdd for each of them, as
  // client-go's AddEventHandler replays the cache. Thread-safe.
  void addEventHandler(std::shared_ptr<EventHandler> handler);

  void start();
  // Stops the watch (within about a second) and joins the threads. Idempotent.
  void stop();

  bool hasSynced() const;
  // Waits until synced, `timeout` has passed or `stop` is requested; returns hasSynced().
  bool waitForSync(std::chrono::milliseconds timeout, std::stop_token stop = {}) const;

  const ObjectStore& store() const { return store_; }
  const ReflectorOptions& options() const { return options_.reflector; }
  ReflectorCounters counters() const { return reflector_.counters(); }
  // The period of this informer's resync, jitter applied.
  std::chrono::milliseconds resyncPeriod() const { return resyncPeriod_; }

 private:
  void dispatch(const StoreEvent& event, bool initialList);
  void resyncLoop(std::stop_token stop);
  std::vector<std::shared_ptr<EventHandler>> handlers() const;

  InformerOptions options_;
  ObjectStore store_;
  Reflector reflector_;
  std::chrono::milliseconds resyncPeriod_;

  mutable std::mutex mutex_;
  mutable std::condition_variable_any changed_;
  std::vector<std::shared_ptr<EventHandler>> handlers_;  // guarded by mutex_
  std::jthread reflectorThread_;
  std::jthread resyncThread_;
};

}  // namespace cop::cache
