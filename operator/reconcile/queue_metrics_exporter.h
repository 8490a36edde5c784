#pragma once

// A work queue's metrics as the workqueue_* families of controller-runtime
// (pkg/internal/metrics/workqueue.go, kube-runtime.md §7), labelled name = controller = the
// controller's name, in a metrics Registry.

#include <string>

#include "operator/metrics/registry.h"
#include "operator/queue/queue_metrics.h"

namespace cop::reconcile {

class QueueMetricsExporter final : public queue::QueueMetrics {
 public:
  // The registry must hold the standard families (registerStandardFamilies) and outlive this.
  static Expected<QueueMetricsExporter, std::string> create(metrics::Registry& registry,
                                                            const std::string& controller);

  void setDepth(long long depth) override;
  void incAdds() override;
  void incRetries() override;
  void observeQueueDuration(double seconds) override;
  void observeWorkDuration(double seconds) override;
  void setUnfinishedWorkSeconds(double seconds) override;
  void setLongestRunningProcessorSeconds(double seconds) override;

 private:
  QueueMetricsExporter() = default;

  metrics::Gauge* depth_ = nullptr;
  metrics::Counter* adds_ = nullptr;
  metrics::Counter* retries_ = nullptr;
  metrics::Histogram* queueDuration_ = nullptr;
  metrics::Histogram* workDuration_ = nullptr;
  metrics::Gauge* unfinished_ = nullptr;
  metrics::Gauge* longestRunning_ = nullptr;
};

}  // namespace cop::reconcile
