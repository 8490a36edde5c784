// The informer around the reflector (kube-runtime.md §2.1, §2.6): handlers see every change,
// a handler added late is replayed the cache, waitForSync reports the first list, and a resync
// replays the cache as updates without any request (checklist §10 item 10).

#include "operator/cache/informer.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "tests/unit/informer/scripted_api_client.h"

namespace cop::cache {
namespace {

using testing::configMap;
using testing::ScriptedApiClient;

class RecordingHandler final : public EventHandler {
 public:
  void onAdd(const ObjectPtr& object, bool initialList) override {
    record("add " + name(object) + (initialList ? " initial" : ""));
  }
  void onUpdate(const ObjectPtr& previous, const ObjectPtr& object) override {
    record(std::string(previous == object ? "resync " : "update ") + name(object));
  }
  void onDelete(const ObjectPtr& object) override { record("delete " + name(object)); }

  std::vector<std::string> seen() const {
    const std::lock_guard lock(mutex_);
    return seen_;
  }
  // Waits (generously) until `line` was seen `times` times.
  bool await(const std::string& line, int times = 1) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(20),
                             [&] { return std::count(seen_.begin(), seen_.end(), line) >= times; });
  }

 private:
  static std::string name(const ObjectPtr& object) {
    return object->at("metadata").at("name").get<std::string>();
  }
  void record(std::string line) {
    const std::lock_guard lock(mutex_);
    seen_.push_back(std::move(line));
    changed_.notify_all();
  }
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> seen_;
};

InformerOptions options(std::chrono::milliseconds resync = std::chrono::milliseconds(0)) {
  InformerOptions o;
  o.reflector.resource = *client::builtinResourceMap().forKind("", "v1", "ConfigMap");
  o.reflector.backoff = {client::Millis{1}, client::Millis{2}, 2.0, 0.0, client::Millis{120'000}};
  o.resyncPeriod = resync;
  o.random = [] { return 0.5; };
  return o;
}

client::ListPage page(std::vector<nlohmann::json> items, std::string rv) {
  client::ListPage p;
  p.items = std::move(items);
  p.resourceVersion = std::move(rv);
  return p;
}

TEST(Informer, HandlersSeeTheListThenEachChangeAndLateHandlersGetTheCache) {
  ScriptedApiClient api;
  api.addPage(page({configMap("a", "1")}, "1"));
  api.addWatch({{testing::event(client::WatchEventType::Added, configMap("b", "2")),
                 testing::event(client::WatchEventType::Deleted, configMap("a", "3"))},
                client::WatchEnd::Closed});
  Informer informer(api, options());
  auto early = std::make_shared<RecordingHandler>();
  informer.addEventHandler(early);
  informer.start();
  ASSERT_TRUE(informer.waitForSync(std::chrono::seconds(20)));
  api.awaitIdleWatches(1);
  auto late = std::make_shared<RecordingHandler>();
  informer.addEventHandler(late);
  informer.stop();

  EXPECT_EQ(early->seen(), (std::vector<std::string>{"add a initial", "add b", "delete a"}));
  EXPECT_EQ(late->seen(), (std::vector<std::string>{"add b initial"}));
  EXPECT_EQ(informer.store().size(), 1u);
}

TEST(Informer, WaitForSyncTimesOutWhileListsFail) {
  ScriptedApiClient api;
  for (int i = 0; i < 1000; ++i) {
    api.addListError(testing::apiError(500, "InternalError"));
  }
  Informer informer(api, options());
  informer.start();
  EXPECT_FALSE(informer.waitForSync(std::chrono::milliseconds(100)));
  EXPECT_FALSE(informer.hasSynced());
  informer.stop();
}

TEST(Informer, ResyncReplaysTheCacheAsUpdatesWithoutRequests) {
  ScriptedApiClient api;
  api.addPage(page({configMap("a", "1"), configMap("b", "1")}, "1"));
  Informer informer(api, options(std::chrono::milliseconds(20)));
  auto handler = std::make_shared<RecordingHandler>();
  informer.addEventHandler(handler);
  informer.start();
  ASSERT_TRUE(handler->await("resync a", 2));
  EXPECT_TRUE(handler->await("resync b", 2));
  informer.stop();
  EXPECT_EQ(api.lists().size(), 1u);
  EXPECT_EQ(api.watchCalls().size(), 1u);
}

TEST(Informer, ResyncPeriodIsJitteredWithinTenPercent) {
  ScriptedApiClient api;
  InformerOptions low = options(std::chrono::hours(10));
  low.random = [] { return 0.0; };
  InformerOptions high = options(std::chrono::hours(10));
  high.random = [] { return 0.999; };
  EXPECT_EQ(Informer(api, std::move(low)).resyncPeriod(), std::chrono::hours(9));
  const auto upper = Informer(api, std::move(high)).resyncPeriod();
  EXPECT_GT(upper, std::chrono::minutes(659));
  EXPECT_LT(upper, std::chrono::hours(11));
}

}  // namespace
}  // namespace cop::cache
