#pragma once

// A QueueMetrics that records what the queue reports, for single-threaded tests.

#include <vector>

#include "operator/queue/queue_metrics.h"

namespace cop::queue::testing {

class RecordingMetrics final : public QueueMetrics {
 public:
  void setDepth(long long value) override { depth = value; }
  void incAdds() override { ++adds; }
  void incRetries() override { ++retries; }
  void observeQueueDuration(double seconds) override { queueDurations.push_back(seconds); }
  void observeWorkDuration(double seconds) override { workDurations.push_back(seconds); }
  void setUnfinishedWorkSeconds(double seconds) override { unfinished = seconds; }
  void setLongestRunningProcessorSeconds(double seconds) override { longest = seconds; }

  long long depth = 0;
  int adds = 0;
  int retries = 0;
  std::vector<double> queueDurations;
  std::vector<double> workDurations;
  double unfinished = -1;
  double longest = -1;
};

}  // namespace cop::queue::testing
