#pragma once

// What a work queue reports, one method per metric, named as client-go and controller-runtime
// name them (../shared/docs/kube-runtime.md §7, controller-runtime pkg/internal/metrics/
// workqueue.go) so existing dashboards work. The exporter adds the labels name and controller.
// The queue calls these with its lock held: an implementation must not call back into it.

namespace cop::queue {

class QueueMetrics {
 public:
  virtual ~QueueMetrics() = default;
  // workqueue_depth (gauge): keys waiting for a worker, not counting delayed ones.
  virtual void setDepth(long long depth) = 0;
  // workqueue_adds_total (counter): adds that queued a key (an add of a queued key is not one).
  virtual void incAdds() = 0;
  // workqueue_retries_total (counter): delayed adds with a non-zero delay.
  virtual void incRetries() = 0;
  // workqueue_queue_duration_seconds (histogram): from the first add to a worker taking the key.
  virtual void observeQueueDuration(double seconds) = 0;
  // workqueue_work_duration_seconds (histogram): from a worker taking the key to done().
  virtual void observeWorkDuration(double seconds) = 0;
  // workqueue_unfinished_work_seconds (gauge): summed age of work in progress.
  virtual void setUnfinishedWorkSeconds(double seconds) = 0;
  // workqueue_longest_running_processor_seconds (gauge): age of the oldest work in progress.
  virtual void setLongestRunningProcessorSeconds(double seconds) = 0;
};

class NoopQueueMetrics final : public QueueMetrics {
 public:
  void setDepth(long long) override {}
  void incAdds() override {}
  void incRetries() override {}
  void observeQueueDuration(double) override {}
  void observeWorkDuration(double) override {}
  void setUnfinishedWorkSeconds(double) override {}
  void setLongestRunningProcessorSeconds(double) override {}
};

}  // namespace cop::queue
