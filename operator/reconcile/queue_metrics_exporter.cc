#include "operator/reconcile/queue_metrics_exporter.h"

#include "operator/metrics/standard_families.h"

namespace cop::reconcile {
namespace {

// controller-runtime pkg/internal/metrics/workqueue.go NewDepthMetric: a queue without
// priorities reports its depth with an empty `priority` label.
constexpr const char* kNoPriority = "";

}  // namespace

Expected<QueueMetricsExporter, std::string> QueueMetricsExporter::create(
    metrics::Registry& registry, const std::string& controller) {
  QueueMetricsExporter exporter;
  const std::vector<std::string> labels = {controller, controller};
  COP_ASSIGN_OR_RETURN(
      depth, registry.gauge(metrics::kWorkqueueDepth, {controller, controller, kNoPriority}));
  COP_ASSIGN_OR_RETURN(adds, registry.counter(metrics::kWorkqueueAddsTotal, labels));
  COP_ASSIGN_OR_RETURN(retries, registry.counter(metrics::kWorkqueueRetriesTotal, labels));
  COP_ASSIGN_OR_RETURN(queueDuration,
                       registry.histogram(metrics::kWorkqueueQueueDurationSeconds, labels));
  COP_ASSIGN_OR_RETURN(workDuration,
                       registry.histogram(metrics::kWorkqueueWorkDurationSeconds, labels));
  COP_ASSIGN_OR_RETURN(unfinished,
                       registry.gauge(metrics::kWorkqueueUnfinishedWorkSeconds, labels));
  COP_ASSIGN_OR_RETURN(longest,
                       registry.gauge(metrics::kWorkqueueLongestRunningProcessorSeconds, labels));
  exporter.depth_ = depth;
  exporter.adds_ = adds;
  exporter.retries_ = retries;
  exporter.queueDuration_ = queueDuration;
  exporter.workDuration_ = workDuration;
  exporter.unfinished_ = unfinished;
  exporter.longestRunning_ = longest;
  return exporter;
}

void QueueMetricsExporter::setDepth(long long depth) {
  depth_->set(static_cast<double>(depth));
}
void QueueMetricsExporter::incAdds() {
  adds_->inc();
}
void QueueMetricsExporter::incRetries() {
  retries_->inc();
}
void QueueMetricsExporter::observeQueueDuration(double seconds) {
  queueDuration_->observe(seconds);
}
void QueueMetricsExporter::observeWorkDuration(double seconds) {
  workDuration_->observe(seconds);
}
void QueueMetricsExporter::setUnfinishedWorkSeconds(double seconds) {
  unfinished_->set(seconds);
}
void QueueMetricsExporter::setLongestRunningProcessorSeconds(double seconds) {
  longestRunning_->set(seconds);
}

}  // namespace cop::reconcile
