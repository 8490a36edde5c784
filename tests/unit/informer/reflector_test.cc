// The reflector's loop over a scripted ApiClient (kube-runtime.md §1.4-1.7, checklist §10 items
// 1, 3, 4, 5, 7): which requests it sends, from which resourceVersion, and what reaches the
// store and the sink. The real-server versions of these checks are in
// tests/integration/informer_test.cc.

#include "operator/cache/reflector.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/unit/informer/scripted_api_client.h"

namespace cop::cache {
namespace {

using client::WatchEventType;
using testing::bookmark;
using testing::configMap;
using testing::errorEvent;
using testing::event;
using testing::ScriptedApiClient;
using testing::ScriptedWatch;

// Back-offs of a millisecond: the tests check which requests follow, not how long they wait.
constexpr client::BackoffParameters kFastBackoff{client::Millis{1}, client::Millis{2}, 2.0, 0.0,
                                                 client::Millis{120'000}};

struct Delivered {
  StoreEvent::Type type;
  std::string key;
  std::string rv;
  bool initial;
};

struct Harness {
  explicit Harness(client::ReflectorMode mode = client::ReflectorMode::ListThenWatch) {
    options.resource = *client::builtinResourceMap().forKind("", "v1", "ConfigMap");
    options.mode = mode;
    options.backoff = kFastBackoff;
  }

  // Runs the reflector until `idleWatches` watches wait for more, then stops it.
  void runUntilIdle(int idleWatches = 1) {
    Reflector reflector(
        api, options, store,
        [this](const StoreEvent& e, bool initial) {
          delivered.push_back(
              {e.type, e.key, e.object->at("metadata").value("resourceVersion", ""), initial});
        },
        [] { return 0.5; });
    std::jthread thread([&](std::stop_token stop) { reflector.run(stop); });
    api.awaitIdleWatches(idleWatches);
    thread.request_stop();
    thread.join();
    synced = reflector.hasSynced();
    lastRv = reflector.lastResourceVersion();
    counters = reflector.counters();
  }

  ScriptedApiClient api;
  ReflectorOptions options;
  ObjectStore store;
  std::vector<Delivered> delivered;
  bool synced = false;
  std::string lastRv;
  ReflectorCounters counters;
};

client::ListPage page(std::vector<nlohmann::json> items, std::string rv, std::string next = "") {
  client::ListPage p;
  p.items = std::move(items);
  p.resourceVersion = std::move(rv);
  p.continueToken = std::move(next);
  return p;
}

TEST(Reflector, InitialListFollowsContinueTokensThenWatchesFromTheListRv) {
  Harness h;
  h.api.addPage(page({configMap("a", "8"), configMap("b", "9")}, "10", "token-1"));
  h.api.addPage(page({configMap("c", "10")}, "10"));
  h.runUntilIdle();

  const auto lists = h.api.lists();
  ASSERT_EQ(lists.size(), 2u);
  EXPECT_EQ(lists[0].resourceVersion, "");  // consistent first list (§1.7)
  EXPECT_EQ(lists[0].limit, client::kListPageSize);
  EXPECT_EQ(lists[0].continueToken, "");
  EXPECT_EQ(lists[1].continueToken, "token-1");
  const auto watches = h.api.watchCalls();
  ASSERT_EQ(watches.size(), 1u);
  EXPECT_EQ(watches[0].resourceVersion, "10");
  EXPECT_TRUE(watches[0].allowWatchBookmarks);
  EXPECT_FALSE(watches[0].sendInitialEvents);
  EXPECT_GE(watches[0].timeoutSeconds, 300);
  EXPECT_LT(watches[0].timeoutSeconds, 600);

  EXPECT_TRUE(h.synced);
  ASSERT_EQ(h.store.size(), 3u);
  EXPECT_FALSE(h.store.get("default/a")->at("metadata").contains("managedFields"));
  ASSERT_EQ(h.delivered.size(), 3u);
  for (const Delivered& d : h.delivered) {
    EXPECT_EQ(d.type, StoreEvent::Type::Added);
    EXPECT_TRUE(d.initial);
  }
}

TEST(Reflector, AClosedStreamResumesFromTheLastBookmarkWithoutListing) {
  Harness h;
  h.api.addPage(page({configMap("a", "8")}, "10"));
  h.api.addWatch(ScriptedWatch{{event(WatchEventType::Modified, configMap("a", "11")),
                                event(WatchEventType::Added, configMap("b", "12")), bookmark("15")},
                               client::WatchEnd::Closed});
  h.runUntilIdle();

  EXPECT_EQ(h.api.lists().size(), 1u);
  const auto watches = h.api.watchCalls();
  ASSERT_EQ(watches.size(), 2u);
  EXPECT_EQ(watches[1].resourceVersion, "15");
  EXPECT_EQ(h.lastRv, "15");
  ASSERT_EQ(h.delivered.size(), 3u);
  EXPECT_EQ(h.delivered[1].type, StoreEvent::Type::Updated);
  EXPECT_EQ(h.delivered[1].rv, "11");
  EXPECT_FALSE(h.delivered[1].initial);
  EXPECT_EQ(h.delivered[2].type, StoreEvent::Type::Added);
  EXPECT_EQ(h.delivered[2].key, "default/b");
}

TEST(Reflector, DeletedEventsRemoveFromTheStore) {
  Harness h;
  h.api.addPage(page({configMap("a", "8"), configMap("b", "9")}, "10"));
  h.api.addWatch(ScriptedWatch{{event(WatchEventType::Deleted, configMap("a", "11"))},
                               client::WatchEnd::Closed});
  h.runUntilIdle();
  EXPECT_EQ(h.store.get("default/a"), nullptr);
  EXPECT_NE(h.store.get("default/b"), nullptr);
  ASSERT_EQ(h.delivered.back().type, StoreEvent::Type::Deleted);
  EXPECT_EQ(h.delivered.back().key, "default/a");
}

TEST(Reflector, ExpiredInTheStreamRelistsAtTheLastRvAndDropsWhatVanished) {
  Harness h;
  h.api.addPage(page({configMap("a", "8"), configMap("b", "9")}, "10"));
  h.api.addWatch(ScriptedWatch{
      {event(WatchEventType::Modified, configMap("a", "12")), errorEvent(410, "Expired")},
      client::WatchEnd::Closed});
  h.api.addPage(page({configMap("a", "13")}, "20"));  // b was deleted while we were away
  h.runUntilIdle();

  const auto lists = h.api.lists();
  ASSERT_EQ(lists.size(), 2u);
  EXPECT_EQ(lists[1].resourceVersion, "12");  // at the last RV first (§1.5)
  EXPECT_EQ(lists[1].limit, 0);               // unpaginated, so the watch cache serves it
  EXPECT_EQ(h.counters.relists, 1);
  EXPECT_EQ(h.counters.expiredEvents, 1);
  EXPECT_EQ(h.store.size(), 1u);
  EXPECT_EQ(h.store.get("default/b"), nullptr);
  const auto deleted = std::find_if(h.delivered.begin(), h.delivered.end(), [](const Delivered& d) {
    return d.type == StoreEvent::Type::Deleted;
  });
  ASSERT_NE(deleted, h.delivered.end());
  EXPECT_EQ(deleted->key, "default/b");
  const auto watches = h.api.watchCalls();
  ASSERT_EQ(watches.size(), 2u);
  EXPECT_EQ(watches[1].resourceVersion, "20");
}

TEST(Reflector, AnExpiredRelistRetriesAtOnceWithAConsistentList) {
  Harness h;
  h.api.addPage(page({configMap("a", "8")}, "10"));
  h.api.addWatch(ScriptedWatch{{errorEvent(410, "Expired")}, client::WatchEnd::Closed});
  h.api.addListError(testing::apiError(410, "Expired"));
  h.api.addPage(page({configMap("a", "8")}, "30"));
  h.runUntilIdle();

  const auto lists = h.api.lists();
  ASSERT_EQ(lists.size(), 3u);
  EXPECT_EQ(lists[1].resourceVersion, "10");
  EXPECT_EQ(lists[2].resourceVersion, "");
  EXPECT_EQ(lists[2].limit, client::kListPageSize);
  EXPECT_EQ(h.api.watchCalls().back().resourceVersion, "30");
}

TEST(Reflector, ARefusedOrThrottledWatchBacksOffAndRewatchesWithoutRelisting) {
  Harness h;
  h.api.addPage(page({configMap("a", "8")}, "10"));
  client::ApiError refused;
  refused.kind = client::ApiErrorKind::ConnectionRefused;
  h.api.addWatch(ScriptedWatch{{}, client::WatchEnd::Closed, refused});
  h.api.addWatch(
      ScriptedWatch{{}, client::WatchEnd::Closed, testing::apiError(429, "TooManyRequests")});
  h.runUntilIdle();

  EXPECT_EQ(h.api.lists().size(), 1u);  // an apiserver restart causes no relist storm (§10.5)
  const auto watches = h.api.watchCalls();
  ASSERT_EQ(watches.size(), 3u);
  EXPECT_EQ(watches[1].resourceVersion, "10");
  EXPECT_EQ(watches[2].resourceVersion, "10");
}

TEST(Reflector, ABrokenStreamRelists) {
  Harness h;
  h.api.addPage(page({configMap("a", "8")}, "10"));
  h.api.addWatch(ScriptedWatch{{event(WatchEventType::Modified, configMap("a", "11"))},
                               client::WatchEnd::Broken});
  h.api.addPage(page({configMap("a", "11")}, "11"));
  h.runUntilIdle();
  const auto lists = h.api.lists();
  ASSERT_EQ(lists.size(), 2u);
  EXPECT_EQ(lists[1].resourceVersion, "11");
}

TEST(Reflector, WatchListGathersTheInitialEventsAndSwapsThemInAtTheEndBookmark) {
  Harness h(client::ReflectorMode::WatchList);
  h.api.addWatch(
      ScriptedWatch{{event(WatchEventType::Added, configMap("a", "5")),
                     event(WatchEventType::Added, configMap("b", "3")), bookmark("7", true),
                     event(WatchEventType::Modified, configMap("a", "8"))},
                    client::WatchEnd::Closed});
  h.runUntilIdle();

  EXPECT_TRUE(h.api.lists().empty());
  const auto watches = h.api.watchCalls();
  ASSERT_EQ(watches.size(), 2u);
  EXPECT_TRUE(watches[0].sendInitialEvents);
  EXPECT_EQ(watches[0].resourceVersion, "");
  EXPECT_FALSE(watches[1].sendInitialEvents);
  EXPECT_EQ(watches[1].resourceVersion, "8");
  ASSERT_EQ(h.delivered.size(), 3u);
  EXPECT_TRUE(h.delivered[0].initial);
  EXPECT_TRUE(h.delivered[1].initial);
  EXPECT_EQ(h.delivered[2].type, StoreEvent::Type::Updated);
  EXPECT_FALSE(h.delivered[2].initial);
  EXPECT_TRUE(h.synced);
}

TEST(Reflector, WatchListRefusedWith422FallsBackToListThenWatch) {
  Harness h(client::ReflectorMode::WatchList);
  h.api.addWatch(ScriptedWatch{{}, client::WatchEnd::Closed, testing::apiError(422, "Invalid")});
  h.api.addPage(page({configMap("a", "8")}, "10"));
  h.runUntilIdle();
  ASSERT_EQ(h.api.lists().size(), 1u);
  const auto watches = h.api.watchCalls();
  ASSERT_EQ(watches.size(), 2u);
  EXPECT_FALSE(watches[1].sendInitialEvents);
  EXPECT_EQ(watches[1].resourceVersion, "10");
  EXPECT_EQ(h.store.size(), 1u);
}

// client-go logs every failed request; a refused LIST or WATCH (403: RBAC) must reach the
// operator's log at once, not only as a cache that never syncs.
TEST(Reflector, EveryFailedListOrWatchIsReportedBeforeTheRetry) {
  Harness h;
  std::vector<std::pair<std::string, int>> reported;
  h.options.onRequestFailed = [&](std::string_view verb, const client::ApiError& error) {
    reported.emplace_back(std::string(verb), error.code);
  };
  h.api.addListError(testing::apiError(403, "Forbidden"));
  h.api.addPage(page({configMap("a", "8")}, "10"));
  h.api.addWatch(ScriptedWatch{{}, client::WatchEnd::Closed, testing::apiError(403, "Forbidden")});
  h.runUntilIdle();
  const std::vector<std::pair<std::string, int>> expected{{"list", 403}, {"watch", 403}};
  EXPECT_EQ(reported, expected);
  EXPECT_GE(h.api.lists().size(), 2u);  // and it still retries
  EXPECT_TRUE(h.synced);
}

TEST(Reflector, NotSyncedUntilTheFirstListSucceeds) {
  Harness h;
  h.api.addListError(testing::apiError(500, "InternalError"));
  h.api.addListError(testing::apiError(500, "InternalError"));
  h.api.addPage(page({}, "10"));
  h.runUntilIdle();
  EXPECT_EQ(h.api.lists().size(), 3u);
  EXPECT_TRUE(h.synced);
}

}  // namespace
}  // namespace cop::cache
