// Informers against a real kube-apiserver + etcd (e2e/tests/runtime starts the cluster and sets
// KUBECONFIG and E2E_CLUSTER): checklist §10 items 1, 3, 4, 5 (kube-runtime.md §1.4-1.7).
//   - every one of 1,000 quick writes reaches the handlers, in order, with no gap;
//   - a restart of kube-apiserver, then of etcd and kube-apiserver, loses no event;
//   - a watch resumed from a resourceVersion the restarted server no longer has gets 410 inside
//     the stream; the informer relists, and an object deleted while it was away vanishes.
// Times are printed, not asserted (a benchmark's job).

#include "operator/cache/informer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "tests/integration/cluster_client.h"
#include "tests/integration/configmap_fixtures.h"

namespace cop::cache {
namespace {

using namespace std::chrono_literals;
using testing::configMap;
using testing::configMaps;
using testing::ensureNamespace;
using testing::expectCacheEqualsList;
using testing::runNamespace;
using testing::secondsSince;
using testing::writeCounter;

constexpr auto kPatience = 120s;

// Runs `e2e/cluster restart <kubeconfig> <components>`.
void restartCluster(const std::string& components) {
  const char* cluster = std::getenv("E2E_CLUSTER");
  const char* kubeconfig = std::getenv("KUBECONFIG");
  ASSERT_NE(cluster, nullptr) << "run me from e2e/tests/runtime (E2E_CLUSTER unset)";
  const std::string command =
      std::string(cluster) + " restart " + kubeconfig + " " + components + " >&2";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

// Records the `n` of every add and update of one ConfigMap, in delivery order, and the names
// of deleted objects.
class CounterHandler final : public EventHandler {
 public:
  explicit CounterHandler(std::string name) : name_(std::move(name)) {}
  void onAdd(const ObjectPtr& object, bool) override {
    {
      const std::lock_guard lock(mutex_);
      added_.push_back(object->at("metadata").at("name").get<std::string>());
    }
    record(object);
  }
  // A relist replays unchanged objects as updates (§2.1): the same resourceVersion is no change.
  void onUpdate(const ObjectPtr& previous, const ObjectPtr& object) override {
    if (previous->at("metadata").at("resourceVersion") !=
        object->at("metadata").at("resourceVersion")) {
      record(object);
    }
  }
  void onDelete(const ObjectPtr& object) override {
    const std::lock_guard lock(mutex_);
    deleted_.push_back(object->at("metadata").at("name").get<std::string>());
    changed_.notify_all();
  }
  bool awaitCount(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kPatience, [&] { return !seen_.empty() && seen_.back() >= n; });
  }
  bool awaitDeleted(const std::string& name) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kPatience, [&] {
      return std::find(deleted_.begin(), deleted_.end(), name) != deleted_.end();
    });
  }
  std::vector<int> seen() const {
    const std::lock_guard lock(mutex_);
    return seen_;
  }
  bool wasAdded(const std::string& name) const {
    const std::lock_guard lock(mutex_);
    return std::find(added_.begin(), added_.end(), name) != added_.end();
  }

 private:
  void record(const ObjectPtr& object) {
    if (object->at("metadata").at("name") != name_) {
      return;
    }
    const std::lock_guard lock(mutex_);
    seen_.push_back(std::stoi(object->at("data").at("n").get<std::string>()));
    changed_.notify_all();
  }
  std::string name_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<int> seen_;
  std::vector<std::string> deleted_;
  std::vector<std::string> added_;
};

// Each value from `first` to `last` exactly once, in order.
void expectEveryValueInOrder(const std::vector<int>& seen, int first, int last) {
  std::vector<int> expected;
  for (int n = first; n <= last; ++n) {
    expected.push_back(n);
  }
  const std::vector<int> tail(std::find(seen.begin(), seen.end(), first), seen.end());
  const auto differ = std::mismatch(tail.begin(), tail.end(), expected.begin(), expected.end());
  EXPECT_TRUE(differ.first == tail.end() && differ.second == expected.end())
      << "seen " << tail.size() << " values for " << expected.size() << "; first difference at "
      << (differ.first - tail.begin()) << ": seen "
      << (differ.first != tail.end() ? std::to_string(*differ.first) : "nothing") << ", expected "
      << (differ.second != expected.end() ? std::to_string(*differ.second) : "nothing");
}

InformerOptions informerOptions(const std::string& ns) {
  InformerOptions options;
  options.reflector.resource = configMaps();
  options.reflector.nameSpace = ns;
  return options;
}

class InformerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = testing::connectToCluster();
    ASSERT_NE(cluster_, nullptr);
  }
  client::ApiClient& api() { return cluster_->api(); }
  std::unique_ptr<testing::ClusterClient> cluster_;
};

TEST_F(InformerTest, SeesEveryOneOfAThousandQuickWritesInOrder) {
  const std::string ns = runNamespace("runtime-writes");
  ensureNamespace(api(), ns);
  ASSERT_TRUE(api().create(configMaps(), ns, configMap(ns, "counter", 0)));
  Informer informer(api(), informerOptions(ns));
  auto handler = std::make_shared<CounterHandler>("counter");
  informer.addEventHandler(handler);
  informer.start();
  ASSERT_TRUE(informer.waitForSync(kPatience));

  const auto start = std::chrono::steady_clock::now();
  writeCounter(api(), ns, 1, 1000);
  const double written = secondsSince(start);
  ASSERT_TRUE(handler->awaitCount(1000));
  std::fprintf(stderr, "1,000 writes in %.2f s, all seen %.2f s after the first\n", written,
               secondsSince(start));
  expectEveryValueInOrder(handler->seen(), 0, 1000);
  EXPECT_EQ(informer.counters().relists, 0);
  informer.stop();
}

// §10.7: with the watch-list flag, a 1.34+ server streams the initial objects, ends them with
// the k8s.io/initial-events-end bookmark, and the same stream goes on with changes: no LIST.
TEST_F(InformerTest, WatchListSyncsFromTheStreamWithoutAList) {
  const std::string ns = runNamespace("runtime-watchlist");
  ensureNamespace(api(), ns);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(api().create(configMaps(), ns, configMap(ns, "w-" + std::to_string(i), 0)));
  }
  ASSERT_TRUE(api().create(configMaps(), ns, configMap(ns, "counter", 0)));
  InformerOptions options = informerOptions(ns);
  options.reflector.mode = client::ReflectorMode::WatchList;
  Informer informer(api(), std::move(options));
  auto handler = std::make_shared<CounterHandler>("counter");
  informer.addEventHandler(handler);
  informer.start();
  ASSERT_TRUE(informer.waitForSync(kPatience));
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(handler->wasAdded("w-" + std::to_string(i)));
  }
  writeCounter(api(), ns, 1, 20);
  ASSERT_TRUE(handler->awaitCount(20));
  expectEveryValueInOrder(handler->seen(), 0, 20);
  const ReflectorCounters counters = informer.counters();
  EXPECT_EQ(counters.lists, 0) << "fell back to LIST: the server refused watch-list";
  EXPECT_EQ(counters.watches, 1);
  expectCacheEqualsList(api(), informer, ns);
  informer.stop();
}

// Across a restart, every change the informer was told of before it stays in order, and no
// change made after it is lost: each object created is added, each deleted one is deleted, and
// the counter reaches its last value without going back. (Versions of one object written while
// the informer relists after a 410 arrive as the newest one: the watch protocol keeps no older
// ones, §1.5; client-go coalesces them the same way.)
TEST_F(InformerTest, MissesNoChangeAcrossApiserverAndEtcdRestarts) {
  const std::string ns = runNamespace("runtime-restart");
  ensureNamespace(api(), ns);
  ASSERT_TRUE(api().create(configMaps(), ns, configMap(ns, "counter", 0)));
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(api().create(configMaps(), ns, configMap(ns, "old-" + std::to_string(i), 0)));
  }
  Informer informer(api(), informerOptions(ns));
  auto handler = std::make_shared<CounterHandler>("counter");
  informer.addEventHandler(handler);
  informer.start();
  ASSERT_TRUE(informer.waitForSync(kPatience));
  writeCounter(api(), ns, 1, 50);
  ASSERT_TRUE(handler->awaitCount(50));
  expectEveryValueInOrder(handler->seen(), 0, 50);

  int last = 50;
  int restarts = 0;
  for (const std::string components : {"kube-apiserver", "etcd kube-apiserver"}) {
    const auto start = std::chrono::steady_clock::now();
    restartCluster(components);
    for (int i = 0; i < 5; ++i) {
      const std::string created = "new-" + std::to_string(restarts) + "-" + std::to_string(i);
      ASSERT_TRUE(api().create(configMaps(), ns, configMap(ns, created, 0)));
      ASSERT_TRUE(api().remove(configMaps(), ns, "old-" + std::to_string(restarts * 5 + i)));
    }
    writeCounter(api(), ns, last + 1, last + 50);
    last += 50;
    ASSERT_TRUE(handler->awaitCount(last));
    for (int i = 0; i < 5; ++i) {
      EXPECT_TRUE(handler->awaitDeleted("old-" + std::to_string(restarts * 5 + i)));
      EXPECT_TRUE(handler->wasAdded("new-" + std::to_string(restarts) + "-" + std::to_string(i)));
    }
    std::fprintf(stderr, "%s restart: caught up %.1f s after the restart began\n",
                 components.c_str(), secondsSince(start));
    ++restarts;
  }
  const std::vector<int> seen = handler->seen();
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "a value twice";
  EXPECT_EQ(seen.back(), last);
  expectCacheEqualsList(api(), informer, ns);
  const ReflectorCounters counters = informer.counters();
  std::fprintf(stderr, "requests over both restarts: %d lists (%d relists), %d watches\n",
               counters.lists, counters.relists, counters.watches);
  // A restarted watch cache starts after our last resourceVersion, so one relist per restart is
  // right (§1.5); a relist storm is not.
  EXPECT_LE(counters.relists, 2 * restarts);
  informer.stop();
}

// An ApiClient that forwards to the real one, except that it can end the current watch as a
// server timeout does (WatchEnd::Closed) and hold new watches until opened: so the informer is
// away while the test changes the cluster. The server stays real.
class GatedClient final : public client::ApiClient {
 public:
  explicit GatedClient(client::ApiClient& inner) : inner_(inner) {}

  void closeAndHold() {
    const std::lock_guard lock(mutex_);
    held_ = true;
    if (current_) {
      current_->request_stop();
    }
  }
  void open() {
    const std::lock_guard lock(mutex_);
    held_ = false;
    changed_.notify_all();
  }
  bool awaitHeldWatch() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kPatience, [&] { return waiting_; });
  }

  client::WatchResult watch(const client::ApiResource& resource, const std::string& ns,
                            const client::WatchOptions& options,
                            const client::WatchHandler& onEvent) override {
    std::stop_source cut;
    {
      std::unique_lock lock(mutex_);
      waiting_ = held_;
      changed_.notify_all();
      changed_.wait(lock, options.stop, [&] { return !held_; });
      waiting_ = false;
      if (options.stop.stop_requested()) {
        return client::WatchEnd::Stopped;
      }
      current_ = &cut;
    }
    std::stop_callback forward(options.stop, [&cut] { cut.request_stop(); });
    client::WatchOptions inner = options;
    inner.stop = cut.get_token();
    const client::WatchResult result = inner_.watch(resource, ns, inner, onEvent);
    const std::lock_guard lock(mutex_);
    current_ = nullptr;
    if (result && *result == client::WatchEnd::Stopped && !options.stop.stop_requested()) {
      return client::WatchEnd::Closed;  // cut by the test: as if the server timed out
    }
    return result;
  }

  client::ApiResult get(const client::ApiResource& r, const std::string& ns, const std::string& n,
                        const client::GetOptions& o) override {
    return inner_.get(r, ns, n, o);
  }
  Expected<client::ListPage, client::ApiError> list(const client::ApiResource& r,
                                                    const std::string& ns,
                                                    const client::ListOptions& o) override {
    return inner_.list(r, ns, o);
  }
  client::ApiResult create(const client::ApiResource& r, const std::string& ns,
                           const nlohmann::json& o) override {
    return inner_.create(r, ns, o);
  }
  client::ApiResult update(const client::ApiResource& r, const std::string& ns,
                           const nlohmann::json& o, const std::string& s) override {
    return inner_.update(r, ns, o, s);
  }
  client::ApiResult mergePatch(const client::ApiResource& r, const std::string& ns,
                               const std::string& n, const nlohmann::json& p,
                               const std::string& s) override {
    return inner_.mergePatch(r, ns, n, p, s);
  }
  client::ApiResult apply(const client::ApiResource& r, const std::string& ns,
                          const nlohmann::json& o, const client::ApplyOptions& a,
                          const std::string& s) override {
    return inner_.apply(r, ns, o, a, s);
  }
  client::ApiResult remove(const client::ApiResource& r, const std::string& ns,
                           const std::string& n, const client::DeleteOptions& o) override {
    return inner_.remove(r, ns, n, o);
  }

 private:
  client::ApiClient& inner_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  bool held_ = false;
  bool waiting_ = false;
  std::stop_source* current_ = nullptr;
};

TEST_F(InformerTest, ExpiredAfterARestartRelistsAndDropsWhatWasDeletedMeanwhile) {
  const std::string ns = runNamespace("runtime-expired");
  ensureNamespace(api(), ns);
  ASSERT_TRUE(api().create(configMaps(), ns, configMap(ns, "counter", 0)));
  ASSERT_TRUE(api().create(configMaps(), ns, configMap(ns, "gone", 0)));
  GatedClient gated(api());
  Informer informer(gated, informerOptions(ns));
  auto handler = std::make_shared<CounterHandler>("counter");
  informer.addEventHandler(handler);
  informer.start();
  ASSERT_TRUE(informer.waitForSync(kPatience));
  writeCounter(api(), ns, 1, 5);
  ASSERT_TRUE(handler->awaitCount(5));

  gated.closeAndHold();  // the informer is away from here on
  ASSERT_TRUE(gated.awaitHeldWatch());
  ASSERT_TRUE(api().remove(configMaps(), ns, "gone"));
  writeCounter(api(), ns, 6, 10);
  // Writes to another kind move the global resourceVersion past everything the informer saw,
  // and the restarted apiserver's watch cache starts there: our RV is then too old (§1.4).
  ASSERT_TRUE(api().create(configMaps(), "default", configMap("default", "rv-bump", 0)));
  ASSERT_TRUE(api().remove(configMaps(), "default", "rv-bump"));
  restartCluster("kube-apiserver");
  const int relistsBefore = informer.counters().relists;
  gated.open();

  ASSERT_TRUE(handler->awaitDeleted("gone"));
  ASSERT_TRUE(handler->awaitCount(10));
  EXPECT_GT(informer.counters().relists, relistsBefore);
  EXPECT_GE(informer.counters().expiredEvents, 1) << "no 410 in the stream: nothing was forced";
  EXPECT_EQ(informer.store().get(ns + "/gone"), nullptr);

  expectCacheEqualsList(api(), informer, ns);
  informer.stop();
}

}  // namespace
}  // namespace cop::cache
