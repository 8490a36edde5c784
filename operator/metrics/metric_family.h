#pragma once

// What one Prometheus metric family is: its name, help text, type, the label names every
// series carries (fixed per family, in this order) and, for histograms, the bucket upper
// bounds (../shared/docs/kube-runtime.md §7).

#include <string>
#include <vector>

namespace cop::metrics {

enum class MetricType { Counter, Gauge, Histogram };

struct FamilySpec {
  std::string name;
  std::string help;
  MetricType type = MetricType::Counter;
  std::vector<std::string> labelNames;
  // Histogram only: strictly increasing finite upper bounds; +Inf is implied.
  std::vector<double> buckets;
};

}  // namespace cop::metrics
