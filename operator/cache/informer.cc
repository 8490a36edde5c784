#include "operator/cache/informer.h"

#include <random>
#include <utility>

namespace cop::cache {
namespace {

UnitRandom orDefaultRandom(UnitRandom random) {
  if (random) {
    return random;
  }
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto mutex = std::make_shared<std::mutex>();  // the reflector and resync threads share it
  return [engine, mutex] {
    const std::lock_guard lock(*mutex);
    return std::uniform_real_distribution<double>(0.0, 1.0)(*engine);
  };
}

std::chrono::milliseconds jittered(std::chrono::milliseconds period, double unitRandom) {
  const double factor = 1.0 - kResyncJitter + 2 * kResyncJitter * unitRandom;
  return std::chrono::milliseconds(static_cast<long long>(period.count() * factor));
}

}  // namespace

Informer::Informer(client::ApiClient& client, InformerOptions options)
    : options_([&] {
        options.random = orDefaultRandom(std::move(options.random));
        return std::move(options);
      }()),
      reflector_(
          client, options_.reflector, store_,
          [this](const StoreEvent& event, bool initialList) { dispatch(event, initialList); },
          options_.random),
      resyncPeriod_(options_.resyncPeriod.count() > 0
                        ? jittered(options_.resyncPeriod, options_.random())
                        : std::chrono::milliseconds(0)) {}

Informer::~Informer() {
  stop();
}

void Informer::addEventHandler(std::shared_ptr<EventHandler> handler) {
  std::vector<ObjectPtr> cached;
  {
    const std::lock_guard lock(mutex_);
    handlers_.push_back(handler);
    cached = store_.list();
  }
  for (const ObjectPtr& object : cached) {
    handler->onAdd(object, true);
  }
}

void Informer::start() {
  if (reflectorThread_.joinable()) {
    return;
  }
  reflectorThread_ = std::jthread([this](std::stop_token stop) { reflector_.run(stop); });
  if (resyncPeriod_.count() > 0) {
    resyncThread_ = std::jthread([this](std::stop_token stop) { resyncLoop(stop); });
  }
}

void Informer::stop() {
  for (std::jthread* thread : {&reflectorThread_, &resyncThread_}) {
    if (thread->joinable()) {
      thread->request_stop();
      thread->join();
    }
  }
  changed_.notify_all();
}

void Informer::dispatch(const StoreEvent& event, bool initialList) {
  for (const std::shared_ptr<EventHandler>& handler : handlers()) {
    switch (event.type) {
      case StoreEvent::Type::Added:
        handler->onAdd(event.object, initialList);
        break;
      case StoreEvent::Type::Updated:
        handler->onUpdate(event.previous, event.object);
        break;
      case StoreEvent::Type::Deleted:
        handler->onDelete(event.object);
        break;
    }
  }
}

bool Informer::hasSynced() const {
  return reflector_.hasSynced();
}

bool Informer::waitForSync(std::chrono::milliseconds timeout, std::stop_token stop) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // The reflector has no callback for "synced", so poll it often: a sync is a one-time event
  // and 50 ms is far below any readiness probe's period.
  constexpr std::chrono::milliseconds kPoll{50};
  std::unique_lock lock(mutex_);
  while (!hasSynced()) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero() || stop.stop_requested()) {
      return hasSynced();
    }
    changed_.wait_for(lock, stop, std::min<std::chrono::steady_clock::duration>(left, kPoll),
                      [] { return false; });
  }
  return true;
}

void Informer::resyncLoop(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    changed_.wait_for(lock, stop, resyncPeriod_, [] { return false; });
    if (stop.stop_requested()) {
      return;
    }
    lock.unlock();
    // No request: the cache is replayed as updates with old == new (§2.6).
    if (hasSynced()) {
      const auto current = handlers();
      for (const ObjectPtr& object : store_.list()) {
        for (const std::shared_ptr<EventHandler>& handler : current) {
          handler->onUpdate(object, object);
        }
      }
    }
    lock.lock();
  }
}

std::vector<std::shared_ptr<EventHandler>> Informer::handlers() const {
  const std::lock_guard lock(mutex_);
  return handlers_;
}

}  // namespace cop::cache
