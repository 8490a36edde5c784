// ApplyCache (kube-runtime.md §3.3): skips only for the same live resourceVersion, the same
// desired hash and within the TTL; bounded with least-recently-used eviction.

#include "operator/apply/apply_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "operator/queue/fake_clock.h"

namespace cop::apply {
namespace {

using namespace std::chrono_literals;

const ObjectRef kWeb{"", "ConfigMap", "default", "web"};

TEST(DesiredHash, IsSha256OfSaltNewlineAndTheSortedDump) {
  // Checked with: printf 'm\n{"a":1,"b":2}' | sha256sum
  EXPECT_EQ(desiredHash(nlohmann::json::parse(R"({"b":2,"a":1})"), "m"),
            "febd1f2152a579fcfd356ff58e94fee4e752d50c68c0c31096f187844c2cae8e");
  EXPECT_EQ(desiredHash(nlohmann::json::object()),
            "a062dd4952b935e430d409c4a5e5cd760e8781e3200d5c7e12a232dddba8a528");
}

TEST(DesiredHash, KeyOrderDoesNotMatterButValuesAndSaltDo) {
  const auto a = nlohmann::json::parse(R"({"x":{"p":1,"q":[1,2]},"y":"s"})");
  const auto b = nlohmann::json::parse(R"({"y":"s","x":{"q":[1,2],"p":1}})");
  const auto c = nlohmann::json::parse(R"({"y":"s","x":{"q":[2,1],"p":1}})");
  EXPECT_EQ(desiredHash(a), desiredHash(b));
  EXPECT_NE(desiredHash(a), desiredHash(c));
  EXPECT_NE(desiredHash(a, "one"), desiredHash(a, "two"));
}

TEST(ApplyCache, SkipsOnlyWhenResourceVersionAndHashMatch) {
  queue::FakeClock clock;
  ApplyCache cache(10, kApplyCacheTtl, &clock);
  EXPECT_FALSE(cache.unchanged(kWeb, "5", "h1"));  // never applied
  cache.remember(kWeb, "5", "h1");
  EXPECT_TRUE(cache.unchanged(kWeb, "5", "h1"));
  EXPECT_FALSE(cache.unchanged(kWeb, "6", "h1"));  // a foreign edit bumped the version
  EXPECT_FALSE(cache.unchanged(kWeb, "5", "h2"));  // the desired object changed
  EXPECT_FALSE(cache.unchanged(kWeb, "", "h1"));   // not in the informer cache
  EXPECT_FALSE(cache.unchanged(ObjectRef{"", "ConfigMap", "other", "web"}, "5", "h1"));
  EXPECT_FALSE(cache.unchanged(ObjectRef{"", "Secret", "default", "web"}, "5", "h1"));
  cache.remember(kWeb, "7", "h2");  // the re-apply's answer replaces the entry
  EXPECT_TRUE(cache.unchanged(kWeb, "7", "h2"));
  EXPECT_FALSE(cache.unchanged(kWeb, "5", "h1"));
  EXPECT_EQ(cache.size(), 1u);
  cache.forget(kWeb);
  EXPECT_FALSE(cache.unchanged(kWeb, "7", "h2"));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(ApplyCache, EntriesExpireAfterTheTtl) {
  queue::FakeClock clock;
  ApplyCache cache(10, kApplyCacheTtl, &clock);
  cache.remember(kWeb, "5", "h");
  clock.advance(kApplyCacheTtl - 1s);
  EXPECT_TRUE(cache.unchanged(kWeb, "5", "h"));
  clock.advance(1s);
  EXPECT_FALSE(cache.unchanged(kWeb, "5", "h"));
  EXPECT_EQ(cache.size(), 0u);     // dropped, not kept as garbage
  cache.remember(kWeb, "5", "h");  // a re-apply starts a new TTL
  EXPECT_TRUE(cache.unchanged(kWeb, "5", "h"));
}

TEST(ApplyCache, EvictsTheLeastRecentlyUsedBeyondItsCapacity) {
  ApplyCache cache(3);
  auto ref = [](int i) { return ObjectRef{"", "ConfigMap", "ns", "cm-" + std::to_string(i)}; };
  for (int i = 0; i < 3; ++i) {
    cache.remember(ref(i), "1", "h");
  }
  EXPECT_TRUE(cache.unchanged(ref(0), "1", "h"));  // 0 is now the most recently used
  cache.remember(ref(3), "1", "h");                // evicts 1, the least recently used
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(cache.unchanged(ref(0), "1", "h"));
  EXPECT_FALSE(cache.unchanged(ref(1), "1", "h"));
  EXPECT_TRUE(cache.unchanged(ref(2), "1", "h"));
  EXPECT_TRUE(cache.unchanged(ref(3), "1", "h"));
  for (int i = 10; i < 1000; ++i) {
    cache.remember(ref(i), "1", "h");
  }
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(cache.unchanged(ref(999), "1", "h"));
}

TEST(ApplyCache, DefaultBoundIsTheNamedConstant) {
  EXPECT_EQ(ApplyCache().capacity(), kApplyCacheCapacity);
}

TEST(ApplyCache, IsSafeFromManyThreads) {
  ApplyCache cache(500);
  std::vector<std::jthread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        const ObjectRef ref{"", "ConfigMap", "ns", std::to_string((i * 7 + t) % 800)};
        if (!cache.unchanged(ref, "1", "h")) {
          cache.remember(ref, "1", "h");
        }
        if (i % 97 == 0) {
          cache.forget(ref);
        }
      }
    });
  }
  threads.clear();
  EXPECT_LE(cache.size(), 500u);
}

}  // namespace
}  // namespace cop::apply
