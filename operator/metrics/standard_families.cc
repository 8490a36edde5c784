#include "operator/metrics/standard_families.h"

namespace cop::metrics {

namespace {

// controller-runtime pkg/internal/controller/metrics/metrics.go ReconcileTime buckets.
constexpr double kReconcileTimeBuckets[] = {
    0.005, 0.01, 0.025, 0.05, 0.1,  0.15, 0.2,  0.25, 0.3,  0.35, 0.4,  0.45, 0.5, 0.6,
    0.7,   0.8,  0.9,   1.0,  1.25, 1.5,  1.75, 2.0,  2.5,  3.0,  3.5,  4.0,  4.5, 5.0,
    6.0,   7.0,  8.0,   9.0,  10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0};

// workqueue.go: ExponentialBuckets(10e-9, 10, 12), written out so each bound is the exact
// double of its decimal (repeated multiplication would drift: 1e-8 * 10 != 1e-7).
constexpr double kWorkqueueDurationBuckets[] = {1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3,
                                                1e-2, 1e-1, 1e0,  1e1,  1e2,  1e3};

FamilySpec family(std::string_view name, std::string help, MetricType type,
                  std::vector<std::string> labels, std::vector<double> buckets = {}) {
  return FamilySpec{std::string(name), std::move(help), type, std::move(labels),
                    std::move(buckets)};
}

}  // namespace

std::vector<double> reconcileTimeBuckets() {
  return {std::begin(kReconcileTimeBuckets), std::end(kReconcileTimeBuckets)};
}

std::vector<double> workqueueDurationBuckets() {
  return {std::begin(kWorkqueueDurationBuckets), std::end(kWorkqueueDurationBuckets)};
}

std::vector<FamilySpec> standardFamilies() {
  using enum MetricType;
  const std::vector<std::string> controller = {"controller"};
  const std::vector<std::string> queue = {"name", "controller"};
  return {
      family(kReconcileTotal, "Total number of reconciliations per controller", Counter,
             {"controller", "result"}),
      family(kReconcileErrorsTotal, "Total number of reconciliation errors per controller", Counter,
             controller),
      family(kTerminalReconcileErrorsTotal,
             "Total number of terminal reconciliation errors per controller", Counter, controller),
      family(kReconcilePanicsTotal, "Total number of reconciliation panics per controller", Counter,
             controller),
      family(kReconcileTimeoutsTotal, "Total number of reconciliation timeouts per controller",
             Counter, controller),
      family(kReconcileTimeSeconds, "Length of time per reconciliation per controller", Histogram,
             controller, reconcileTimeBuckets()),
      family(kMaxConcurrentReconciles, "Maximum number of concurrent reconciles per controller",
             Gauge, controller),
      family(kActiveWorkers, "Number of currently used workers per controller", Gauge, controller),
      family(kWorkqueueDepth, "Current depth of workqueue", Gauge,
             {"name", "controller", "priority"}),
      family(kWorkqueueAddsTotal, "Total number of adds handled by workqueue", Counter, queue),
      family(kWorkqueueRetriesTotal, "Total number of retries handled by workqueue", Counter,
             queue),
      family(kWorkqueueQueueDurationSeconds,
             "How long in seconds an item stays in workqueue before being requested", Histogram,
             queue, workqueueDurationBuckets()),
      family(kWorkqueueWorkDurationSeconds,
             "How long in seconds processing an item from workqueue takes.", Histogram, queue,
             workqueueDurationBuckets()),
      family(kWorkqueueUnfinishedWorkSeconds,
             "How many seconds of work has been done that is in progress and hasn't been "
             "observed by work_duration. Large values indicate stuck threads. One can deduce "
             "the number of stuck threads by observing the rate at which this increases.",
             Gauge, queue),
      family(kWorkqueueLongestRunningProcessorSeconds,
             "How many seconds has the longest running processor for workqueue been running.",
             Gauge, queue),
      family(kRestClientRequestsTotal,
             "Number of HTTP requests, partitioned by status code, method, and host.", Counter,
             {"code", "method", "host"}),
      family(kLeaderElectionMasterStatus,
             "Gauge of if the reporting system is master of the relevant lease, 0 indicates "
             "backup, 1 indicates master. 'name' is the string used to identify the lease. "
             "Please make sure to group by name.",
             Gauge, {"name"}),
      family(kLeaderElectionSlowpathTotal,
             "Total number of slow path exercised in renewing leader leases. 'name' is the "
             "string used to identify the lease. Please make sure to group by name.",
             Counter, {"name"}),
  };
}

Expected<void, std::string> registerStandardFamilies(Registry& registry) {
  for (auto& spec : standardFamilies()) {
    if (auto ok = registry.registerFamily(std::move(spec)); !ok)
      return ok;
  }
  return {};
}

Expected<void, std::string> initControllerSeries(Registry& registry,
                                                 const std::string& controller) {
  for (const auto result : {kResultSuccess, kResultError, kResultRequeue, kResultRequeueAfter}) {
    auto series = registry.counter(kReconcileTotal, {controller, std::string(result)});
    if (!series)
      return Unexpected(std::move(series).error());
  }
  for (const auto name : {kReconcileErrorsTotal, kTerminalReconcileErrorsTotal,
                          kReconcilePanicsTotal, kReconcileTimeoutsTotal}) {
    auto series = registry.counter(name, {controller});
    if (!series)
      return Unexpected(std::move(series).error());
  }
  for (const auto name : {kMaxConcurrentReconciles, kActiveWorkers}) {
    auto series = registry.gauge(name, {controller});
    if (!series)
      return Unexpected(std::move(series).error());
  }
  return {};
}

}  // namespace cop::metrics
