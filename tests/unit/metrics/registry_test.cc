#include "operator/metrics/registry.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace cop::metrics {
namespace {

TEST(Registry, CounterExposition) {
  Registry registry;
  ASSERT_TRUE(registry.registerFamily(
      {"jobs_total", "Jobs done.", MetricType::Counter, {"kind", "result"}, {}}));
  auto b = registry.counter("jobs_total", {"b", "ok"});
  auto a = registry.counter("jobs_total", {"a", "error"});
  ASSERT_TRUE(b && a);
  (*b)->inc();
  (*b)->inc(2);
  (*a)->inc(0.5);
  (*a)->inc(-4);  // ignored: counters only go up
  EXPECT_EQ(registry.exposition(),
            "# HELP jobs_total Jobs done.\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{kind=\"a\",result=\"error\"} 0.5\n"
            "jobs_total{kind=\"b\",result=\"ok\"} 3\n");
}

TEST(Registry, GaugeWithoutLabels) {
  Registry registry;
  ASSERT_TRUE(registry.registerFamily({"temp", "T.", MetricType::Gauge, {}, {}}));
  auto g = registry.gauge("temp", {});
  ASSERT_TRUE(g);
  (*g)->set(10);
  (*g)->add(-12.5);
  EXPECT_EQ(registry.exposition(), "# HELP temp T.\n# TYPE temp gauge\ntemp -2.5\n");
}

TEST(Registry, HistogramCumulativeBucketsSumCount) {
  Registry registry;
  ASSERT_TRUE(
      registry.registerFamily({"lat", "Latency.", MetricType::Histogram, {"c"}, {0.1, 1, 10}}));
  auto h = registry.histogram("lat", {"x"});
  ASSERT_TRUE(h);
  (*h)->observe(0.05);  // <= 0.1
  (*h)->observe(0.1);   // equal to a bound: in that bucket
  (*h)->observe(1);     // equal to a bound
  (*h)->observe(5);     // <= 10
  (*h)->observe(20);    // only +Inf
  EXPECT_EQ(registry.exposition(),
            "# HELP lat Latency.\n"
            "# TYPE lat histogram\n"
            "lat_bucket{c=\"x\",le=\"0.1\"} 2\n"
            "lat_bucket{c=\"x\",le=\"1\"} 3\n"
            "lat_bucket{c=\"x\",le=\"10\"} 4\n"
            "lat_bucket{c=\"x\",le=\"+Inf\"} 5\n"
            "lat_sum{c=\"x\"} 26.15\n"
            "lat_count{c=\"x\"} 5\n");
}

TEST(Registry, JustAboveABoundGoesToTheNextBucket) {
  Registry registry;
  ASSERT_TRUE(registry.registerFamily({"h", "H.", MetricType::Histogram, {}, {1, 2}}));
  auto h = registry.histogram("h", {});
  ASSERT_TRUE(h);
  (*h)->observe(1.0000001);
  const auto snap = (*h)->snapshot();
  EXPECT_EQ(snap.cumulative, (std::vector<std::uint64_t>{0, 1, 1}));
}

TEST(Registry, LabelValuesAreEscaped) {
  Registry registry;
  ASSERT_TRUE(registry.registerFamily(
      {"m", "Help with \\ and\nnewline.", MetricType::Counter, {"path"}, {}}));
  ASSERT_TRUE(registry.counter("m", {"C:\\dir \"q\"\nx"}));
  EXPECT_EQ(registry.exposition(),
            "# HELP m Help with \\\\ and\\nnewline.\n"
            "# TYPE m counter\n"
            "m{path=\"C:\\\\dir \\\"q\\\"\\nx\"} 0\n");
}

TEST(Registry, FamiliesSortedByNameAndEmptyFamiliesOmitted) {
  Registry registry;
  ASSERT_TRUE(registry.registerFamily({"zeta", "Z.", MetricType::Gauge, {}, {}}));
  ASSERT_TRUE(registry.registerFamily({"alpha", "A.", MetricType::Counter, {}, {}}));
  ASSERT_TRUE(registry.registerFamily({"middle", "M.", MetricType::Counter, {}, {}}));
  ASSERT_TRUE(registry.gauge("zeta", {}));
  ASSERT_TRUE(registry.counter("alpha", {}));
  EXPECT_EQ(registry.exposition(),
            "# HELP alpha A.\n# TYPE alpha counter\nalpha 0\n"
            "# HELP zeta Z.\n# TYPE zeta gauge\nzeta 0\n");
}

TEST(Registry, RejectsBadSpecsAndLookups) {
  Registry registry;
  EXPECT_FALSE(registry.registerFamily({"1bad", "", MetricType::Counter, {}, {}}));
  EXPECT_FALSE(registry.registerFamily({"ok", "", MetricType::Counter, {"a-b"}, {}}));
  EXPECT_FALSE(registry.registerFamily({"ok", "", MetricType::Counter, {"a", "a"}, {}}));
  EXPECT_FALSE(registry.registerFamily({"ok", "", MetricType::Histogram, {"le"}, {1}}));
  EXPECT_FALSE(registry.registerFamily({"ok", "", MetricType::Histogram, {}, {}}));
  EXPECT_FALSE(registry.registerFamily({"ok", "", MetricType::Histogram, {}, {2, 1}}));
  EXPECT_FALSE(registry.registerFamily({"ok", "", MetricType::Histogram, {}, {1, 1}}));
  EXPECT_FALSE(registry.registerFamily({"ok", "", MetricType::Gauge, {}, {1}}));
  ASSERT_TRUE(registry.registerFamily({"ok", "", MetricType::Counter, {"a"}, {}}));
  EXPECT_FALSE(registry.registerFamily({"ok", "", MetricType::Counter, {"a"}, {}}));
  EXPECT_FALSE(registry.counter("missing", {"x"}));
  EXPECT_FALSE(registry.gauge("ok", {"x"}));
  EXPECT_FALSE(registry.counter("ok", {}));
  EXPECT_FALSE(registry.counter("ok", {"x", "y"}));
  EXPECT_TRUE(registry.counter("ok", {"x"}));
}

TEST(Registry, SameLabelsReturnTheSameSeries) {
  Registry registry;
  ASSERT_TRUE(registry.registerFamily({"c", "", MetricType::Counter, {"a"}, {}}));
  auto first = registry.counter("c", {"x"});
  auto second = registry.counter("c", {"x"});
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, *second);
}

// Smoke test for data races; meaningful under the sanitizer build. No timing involved.
TEST(Registry, ConcurrentUpdatesAndExposition) {
  Registry registry;
  ASSERT_TRUE(registry.registerFamily({"c", "", MetricType::Counter, {"t"}, {}}));
  ASSERT_TRUE(registry.registerFamily({"h", "", MetricType::Histogram, {"t"}, {1, 2}}));
  constexpr int kThreads = 4;
  constexpr int kIterations = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry, t] {
      for (int i = 0; i < kIterations; ++i) {
        (*registry.counter("c", {"shared"}))->inc();
        (*registry.counter("c", {std::to_string(t)}))->inc();
        (*registry.histogram("h", {"shared"}))->observe(i % 3);
        if (i % 100 == 0)
          (void)registry.exposition();
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ((*registry.counter("c", {"shared"}))->value(), kThreads * kIterations);
  EXPECT_EQ((*registry.histogram("h", {"shared"}))->snapshot().count,
            static_cast<std::uint64_t>(kThreads * kIterations));
}

}  // namespace
}  // namespace cop::metrics
