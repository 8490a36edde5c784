#pragma once

// The metric families controller-runtime and client-go export, with the exact names, types,
// labels and buckets dashboards expect (../shared/docs/kube-runtime.md §7; controller-runtime
// pkg/internal/controller/metrics/metrics.go, pkg/internal/metrics/workqueue.go,
// pkg/metrics/client_go_adapter.go, pkg/metrics/leaderelection.go).

#include <string>
#include <string_view>
#include <vector>

#include "operator/common/result.h"
#include "operator/metrics/metric_family.h"
#include "operator/metrics/registry.h"

namespace cop::metrics {

// controller-runtime pkg/internal/controller/metrics/metrics.go
inline constexpr std::string_view kReconcileTotal = "controller_runtime_reconcile_total";
inline constexpr std::string_view kReconcileErrorsTotal =
    "controller_runtime_reconcile_errors_total";
inline constexpr std::string_view kTerminalReconcileErrorsTotal =
    "controller_runtime_terminal_reconcile_errors_total";
inline constexpr std::string_view kReconcilePanicsTotal =
    "controller_runtime_reconcile_panics_total";
inline constexpr std::string_view kReconcileTimeoutsTotal =
    "controller_runtime_reconcile_timeouts_total";
inline constexpr std::string_view kReconcileTimeSeconds =
    "controller_runtime_reconcile_time_seconds";
inline constexpr std::string_view kMaxConcurrentReconciles =
    "controller_runtime_max_concurrent_reconciles";
inline constexpr std::string_view kActiveWorkers = "controller_runtime_active_workers";

// controller-runtime pkg/internal/metrics/workqueue.go
inline constexpr std::string_view kWorkqueueDepth = "workqueue_depth";
inline constexpr std::string_view kWorkqueueAddsTotal = "workqueue_adds_total";
inline constexpr std::string_view kWorkqueueRetriesTotal = "workqueue_retries_total";
inline constexpr std::string_view kWorkqueueQueueDurationSeconds =
    "workqueue_queue_duration_seconds";
inline constexpr std::string_view kWorkqueueWorkDurationSeconds = "workqueue_work_duration_seconds";
inline constexpr std::string_view kWorkqueueUnfinishedWorkSeconds =
    "workqueue_unfinished_work_seconds";
inline constexpr std::string_view kWorkqueueLongestRunningProcessorSeconds =
    "workqueue_longest_running_processor_seconds";

// controller-runtime pkg/metrics/client_go_adapter.go
inline constexpr std::string_view kRestClientRequestsTotal = "rest_client_requests_total";

// controller-runtime pkg/metrics/leaderelection.go
inline constexpr std::string_view kLeaderElectionMasterStatus = "leader_election_master_status";
inline constexpr std::string_view kLeaderElectionSlowpathTotal = "leader_election_slowpath_total";

// Values of the `result` label of kReconcileTotal; all four are pre-set to 0 (§7).
inline constexpr std::string_view kResultSuccess = "success";
inline constexpr std::string_view kResultError = "error";
inline constexpr std::string_view kResultRequeue = "requeue";
inline constexpr std::string_view kResultRequeueAfter = "requeue_after";

// controller-runtime metrics.go ReconcileTime buckets (§7).
std::vector<double> reconcileTimeBuckets();
// workqueue.go: prometheus.ExponentialBuckets(10e-9, 10, 12), 1e-8 ... 1e3 s (§7).
std::vector<double> workqueueDurationBuckets();

// Every family above, in the order listed.
std::vector<FamilySpec> standardFamilies();
Expected<void, std::string> registerStandardFamilies(Registry& registry);

// Creates a controller's series at zero as controller-runtime's initMetrics does: the four
// reconcile_total results, the error/panic/timeout counters and the two worker gauges.
Expected<void, std::string> initControllerSeries(Registry& registry, const std::string& controller);

}  // namespace cop::metrics
