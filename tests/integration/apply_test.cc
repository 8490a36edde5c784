// The Applier and prune against a real kube-apiserver (e2e/tests/apply starts the cluster and
// sets KUBECONFIG): checklist §10 items 11 (an unchanged resync makes 0 writes) and 13 (removed
// children are pruned by label + controller ownerReference; other tools' objects are never
// touched), kube-runtime.md §3.3-3.5.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "operator/apply/applier.h"
#include "operator/apply/pruner.h"
#include "operator/client/rest_client.h"
#include "tests/integration/cluster_client.h"

namespace cop::apply {
namespace {

using Clock = std::chrono::steady_clock;

// §10.11's scale: 1,000 objects, written by 10 workers as a controller's pool would.
constexpr int kObjects = 1000;
constexpr int kThreads = 10;
constexpr const char* kFieldManager = "apply-test-operator";
// §3.4: what marks our objects.
constexpr const char* kSelector =
    "app.kubernetes.io/managed-by=compose-operator,app.kubernetes.io/instance=apply-test";

const client::ApiResource& configMaps() {
  static const client::ApiResource resource =
      *client::builtinResourceMap().forKind("", "v1", "ConfigMap");
  return resource;
}
const client::ApiResource& namespaces() {
  static const client::ApiResource resource =
      *client::builtinResourceMap().forKind("", "v1", "Namespace");
  return resource;
}

nlohmann::json labels() {
  return {{"app.kubernetes.io/managed-by", "compose-operator"},
          {"app.kubernetes.io/instance", "apply-test"}};
}

std::string nameOf(int i) {
  char name[32];
  std::snprintf(name, sizeof name, "cm-%04d", i);
  return name;
}

double millisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A namespace of its own per test and run, deleted at the end, so the program can run again
// on the same cluster.
class ApplyIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    connection_ = testing::connectToCluster();
    ASSERT_NE(connection_, nullptr);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    ns_ = std::string("apply-") +
          (std::string(info->name()) == "NoWritesWhenNothingChanged" ? "resync-" : "prune-") +
          std::to_string(::getpid());
    auto created =
        api().apply(namespaces(), "",
                    {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns_}}}},
                    {kFieldManager});
    ASSERT_TRUE(created) << created.error().describe();
  }
  void TearDown() override {
    if (connection_ != nullptr && !ns_.empty()) {
      (void)api().remove(namespaces(), "", ns_);
    }
  }

  client::ApiClient& api() { return connection_->api(); }

  nlohmann::json desired(int i, const std::string& value) const {
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", nameOf(i)}, {"namespace", ns_}, {"labels", labels()}}},
            {"data", {{"k", value}}}};
  }

  // name -> resourceVersion of our objects, from a fresh LIST (what an informer would hold).
  std::map<std::string, std::string> liveVersions() {
    client::ListOptions options;
    options.labelSelector = kSelector;
    auto page = client::listAll(api(), configMaps(), ns_, options);
    EXPECT_TRUE(page) << page.error().describe();
    std::map<std::string, std::string> versions;
    if (page) {
      for (const nlohmann::json& item : page->items) {
        versions[item["metadata"]["name"]] = item["metadata"]["resourceVersion"];
      }
    }
    return versions;
  }

  // Applies every object through `applier` from kThreads threads; returns the milliseconds.
  double applyAll(Applier& applier, const std::map<int, std::string>& values,
                  const std::map<std::string, std::string>& live) {
    std::atomic<int> failures{0};
    std::mutex mutex;
    std::string firstError;
    const auto start = Clock::now();
    {
      std::vector<std::jthread> threads;
      for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
          for (int i = t; i < kObjects; i += kThreads) {
            const auto value = values.find(i);
            const auto rv = live.find(nameOf(i));
            auto outcome = applier.apply(configMaps(), ns_,
                                         desired(i, value != values.end() ? value->second : "v"),
                                         rv != live.end() ? rv->second : "", {kFieldManager});
            if (!outcome) {
              ++failures;
              const std::lock_guard lock(mutex);
              if (firstError.empty()) {
                firstError = outcome.error().describe();
              }
            }
          }
        });
      }
    }
    const double elapsed = millisSince(start);
    EXPECT_EQ(failures.load(), 0) << firstError;
    return elapsed;
  }

  std::unique_ptr<testing::ClusterClient> connection_;
  std::string ns_;
};

TEST_F(ApplyIntegration, NoWritesWhenNothingChanged) {
  ApplyCache cache;
  Applier applier(api(), cache);
  std::map<int, std::string> values;

  const double create = applyAll(applier, values, {});
  EXPECT_EQ(applier.applied(), static_cast<std::uint64_t>(kObjects));
  const auto before = liveVersions();
  ASSERT_EQ(before.size(), static_cast<std::size_t>(kObjects));

  // The resync: the same desired objects, live versions from a fresh list -> no request.
  const double cached = applyAll(applier, values, before);
  const std::uint64_t resyncWrites = applier.applied() - kObjects;
  EXPECT_EQ(resyncWrites, 0u);
  EXPECT_EQ(applier.skipped(), static_cast<std::uint64_t>(kObjects));
  EXPECT_EQ(liveVersions(), before) << "an unchanged re-apply changed a resourceVersion";

  // For comparison, and §10.11's "an identical second apply changes no RV": the same resync
  // without the cache sends 1,000 applies, which the server answers without writing.
  ApplyCache emptyCache;
  Applier uncachedApplier(api(), emptyCache);
  const double uncached = applyAll(uncachedApplier, values, before);
  EXPECT_EQ(uncachedApplier.applied(), static_cast<std::uint64_t>(kObjects));
  EXPECT_EQ(liveVersions(), before) << "an identical apply changed a resourceVersion";

  // One desired object changes -> exactly one write.
  values[0] = "changed";
  const std::uint64_t appliedBefore = applier.applied();
  applyAll(applier, values, liveVersions());
  EXPECT_EQ(applier.applied() - appliedBefore, 1u);
  auto changed = api().get(configMaps(), ns_, nameOf(0));
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->object["data"]["k"], "changed");

  // A foreign edit of another object -> its live version moves -> it alone is re-applied,
  // and the field we own is restored (force, §3.1).
  auto edited = api().mergePatch(configMaps(), ns_, nameOf(1), {{"data", {{"k", "foreign"}}}});
  ASSERT_TRUE(edited) << edited.error().describe();
  const std::uint64_t appliedBeforeRepair = applier.applied();
  applyAll(applier, values, liveVersions());
  EXPECT_EQ(applier.applied() - appliedBeforeRepair, 1u);
  auto repaired = api().get(configMaps(), ns_, nameOf(1));
  ASSERT_TRUE(repaired);
  EXPECT_EQ(repaired->object["data"]["k"], "v");

  std::printf(
      "apply figures: %d ConfigMaps, %d threads: create %.0f ms; unchanged resync through the "
      "cache %.1f ms, %llu writes, %llu skipped, 0 resourceVersions changed; the same resync "
      "without the cache %.0f ms (%d applies, 0 resourceVersions changed); one changed object "
      "-> 1 write; one foreign edit -> 1 write, field restored\n",
      kObjects, kThreads, create, cached, static_cast<unsigned long long>(resyncWrites),
      static_cast<unsigned long long>(kObjects), uncached, kObjects);
}

TEST_F(ApplyIntegration, PrunesOnlyWhatItControls) {
  const client::ApplyOptions options{kFieldManager};
  auto applyConfigMap = [&](const std::string& name, nlohmann::json metadataExtra) {
    nlohmann::json object = {{"apiVersion", "v1"},
                             {"kind", "ConfigMap"},
                             {"metadata", {{"name", name}, {"namespace", ns_}}},
                             {"data", {{"k", "v"}}}};
    object["metadata"].update(metadataExtra);
    auto applied = api().apply(configMaps(), ns_, object, options);
    EXPECT_TRUE(applied) << applied.error().describe();
    return applied ? applied->object["metadata"].value("uid", "") : std::string{};
  };
  auto controllerRef = [](const std::string& name, const std::string& uid) {
    return nlohmann::json::array({{{"apiVersion", "v1"},
                                   {"kind", "ConfigMap"},
                                   {"name", name},
                                   {"uid", uid},
                                   {"controller", true},
                                   {"blockOwnerDeletion", true}}});
  };

  const std::string ownerUid = applyConfigMap("owner", nlohmann::json::object());
  const std::string otherUid = applyConfigMap("other-owner", nlohmann::json::object());
  ASSERT_FALSE(ownerUid.empty());
  ASSERT_FALSE(otherUid.empty());
  for (const char* name : {"keep-0", "keep-1", "keep-2", "remove-0", "remove-1"}) {
    applyConfigMap(name,
                   {{"labels", labels()}, {"ownerReferences", controllerRef("owner", ownerUid)}});
  }
  applyConfigMap("foreign", {{"labels", labels()}});  // another tool's, with our label
  applyConfigMap("other-owned", {{"labels", labels()},
                                 {"ownerReferences", controllerRef("other-owner", otherUid)}});

  PruneRequest request;
  request.kinds = {configMaps()};
  request.nameSpace = ns_;
  request.labelSelector = kSelector;
  request.ownerUid = ownerUid;
  for (const char* name : {"keep-0", "keep-1", "keep-2"}) {
    request.desired.insert(ObjectRef{"", "ConfigMap", ns_, name});
  }
  const auto start = Clock::now();
  auto result = prune(api(), request);
  const double elapsed = millisSince(start);
  ASSERT_TRUE(result) << result.error().describe();

  std::vector<std::string> deleted;
  for (const ObjectRef& ref : result->deleted) {
    deleted.push_back(ref.name);
  }
  std::sort(deleted.begin(), deleted.end());
  EXPECT_EQ(deleted, (std::vector<std::string>{"remove-0", "remove-1"}));
  std::map<std::string, KeepReason> kept;
  for (const KeptObject& k : result->kept) {
    kept[k.ref.name] = k.reason;
  }
  EXPECT_EQ(kept, (std::map<std::string, KeepReason>{{"foreign", KeepReason::NotControlled},
                                                     {"keep-0", KeepReason::Desired},
                                                     {"keep-1", KeepReason::Desired},
                                                     {"keep-2", KeepReason::Desired},
                                                     {"other-owned", KeepReason::NotControlled}}));

  std::vector<std::string> remaining;
  for (const auto& [name, rv] : liveVersions()) {
    remaining.push_back(name);
  }
  EXPECT_EQ(remaining,
            (std::vector<std::string>{"foreign", "keep-0", "keep-1", "keep-2", "other-owned"}));
  EXPECT_TRUE(api().get(configMaps(), ns_, "other-owner"));

  // A second pass finds nothing more to delete.
  auto again = prune(api(), request);
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_TRUE(again->deleted.empty());
  std::printf(
      "prune figures: 7 labelled objects, 2 deleted, 5 kept (3 desired, 2 not ours) in "
      "%.0f ms\n",
      elapsed);
}

}  // namespace
}  // namespace cop::apply
