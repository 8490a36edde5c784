#include "operator/metrics/standard_families.h"

#include <gtest/gtest.h>

#include <string>

namespace cop::metrics {
namespace {

const FamilySpec* find(const std::vector<FamilySpec>& families, std::string_view name) {
  for (const auto& f : families) {
    if (f.name == name)
      return &f;
  }
  return nullptr;
}

using Labels = std::vector<std::string>;

TEST(StandardFamilies, NamesTypesAndLabelsFromSection7) {
  const auto families = standardFamilies();
  struct Row {
    std::string_view name;
    MetricType type;
    Labels labels;
  };
  const Row rows[] = {
      {"controller_runtime_reconcile_total", MetricType::Counter, {"controller", "result"}},
      {"controller_runtime_reconcile_errors_total", MetricType::Counter, {"controller"}},
      {"controller_runtime_terminal_reconcile_errors_total", MetricType::Counter, {"controller"}},
      {"controller_runtime_reconcile_panics_total", MetricType::Counter, {"controller"}},
      {"controller_runtime_reconcile_timeouts_total", MetricType::Counter, {"controller"}},
      {"controller_runtime_reconcile_time_seconds", MetricType::Histogram, {"controller"}},
      {"controller_runtime_max_concurrent_reconciles", MetricType::Gauge, {"controller"}},
      {"controller_runtime_active_workers", MetricType::Gauge, {"controller"}},
      {"workqueue_depth", MetricType::Gauge, {"name", "controller", "priority"}},
      {"workqueue_adds_total", MetricType::Counter, {"name", "controller"}},
      {"workqueue_retries_total", MetricType::Counter, {"name", "controller"}},
      {"workqueue_queue_duration_seconds", MetricType::Histogram, {"name", "controller"}},
      {"workqueue_work_duration_seconds", MetricType::Histogram, {"name", "controller"}},
      {"workqueue_unfinished_work_seconds", MetricType::Gauge, {"name", "controller"}},
      {"workqueue_longest_running_processor_seconds", MetricType::Gauge, {"name", "controller"}},
      {"rest_client_requests_total", MetricType::Counter, {"code", "method", "host"}},
      {"leader_election_master_status", MetricType::Gauge, {"name"}},
      {"leader_election_slowpath_total", MetricType::Counter, {"name"}},
  };
  EXPECT_EQ(families.size(), std::size(rows));
  for (const auto& row : rows) {
    const auto* f = find(families, row.name);
    ASSERT_NE(f, nullptr) << row.name;
    EXPECT_EQ(f->type, row.type) << row.name;
    EXPECT_EQ(f->labelNames, row.labels) << row.name;
    EXPECT_FALSE(f->help.empty()) << row.name;
  }
}

TEST(StandardFamilies, BucketsAsWrittenInExposition) {
  Registry registry;
  ASSERT_TRUE(registerStandardFamilies(registry));
  ASSERT_TRUE(registry.histogram(kReconcileTimeSeconds, {"c"}));
  ASSERT_TRUE(registry.histogram(kWorkqueueWorkDurationSeconds, {"c", "c"}));
  const std::string text = registry.exposition();
  std::string reconcileLes;
  std::string workLes;
  const std::string marker = "le=\"";
  for (std::size_t pos = 0; (pos = text.find('\n', pos)) != std::string::npos; ++pos) {
    const auto start = text.rfind('\n', pos - 1) + 1;
    const std::string line = text.substr(start, pos - start);
    const auto le = line.find(marker);
    if (le == std::string::npos)
      continue;
    const auto end = line.find('"', le + marker.size());
    const std::string bound = line.substr(le + marker.size(), end - le - marker.size());
    if (line.starts_with("controller_runtime_reconcile_time_seconds_bucket")) {
      reconcileLes += bound + " ";
    } else if (line.starts_with("workqueue_work_duration_seconds_bucket")) {
      workLes += bound + " ";
    }
  }
  EXPECT_EQ(reconcileLes,
            "0.005 0.01 0.025 0.05 0.1 0.15 0.2 0.25 0.3 0.35 0.4 0.45 0.5 0.6 0.7 0.8 0.9 1 "
            "1.25 1.5 1.75 2 2.5 3 3.5 4 4.5 5 6 7 8 9 10 15 20 25 30 40 50 60 +Inf ");
  EXPECT_EQ(workLes, "1e-08 1e-07 1e-06 1e-05 0.0001 0.001 0.01 0.1 1 10 100 1000 +Inf ");
  EXPECT_EQ(workqueueDurationBuckets(),
            (*find(standardFamilies(), kWorkqueueQueueDurationSeconds)).buckets);
}

TEST(StandardFamilies, InitControllerSeriesPresetsFourResultsAtZero) {
  Registry registry;
  ASSERT_TRUE(registerStandardFamilies(registry));
  ASSERT_TRUE(initControllerSeries(registry, "compose"));
  const std::string text = registry.exposition();
  for (const char* line : {
           "controller_runtime_reconcile_total{controller=\"compose\",result=\"error\"} 0\n",
           "controller_runtime_reconcile_total{controller=\"compose\",result=\"requeue\"} 0\n",
           "controller_runtime_reconcile_total{controller=\"compose\",result=\"requeue_after\"} "
           "0\n",
           "controller_runtime_reconcile_total{controller=\"compose\",result=\"success\"} 0\n",
           "controller_runtime_reconcile_errors_total{controller=\"compose\"} 0\n",
           "controller_runtime_active_workers{controller=\"compose\"} 0\n",
           "# TYPE controller_runtime_reconcile_total counter\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace cop::metrics
