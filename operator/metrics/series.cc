#include "operator/metrics/series.h"

#include <algorithm>
#include <cmath>

namespace cop::metrics {

void Counter::inc(double amount) {
  if (!(amount >= 0.0))
    return;
  value_.fetch_add(amount);
}

void Gauge::add(double amount) {
  value_.fetch_add(amount);
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), perBucket_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  // First bound >= value, as client_golang's sort.SearchFloat64s: equal goes in that bucket.
  const auto index = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  std::lock_guard lock(mutex_);
  ++perBucket_[index];
  sum_ += value;
  ++count_;
}

HistogramSnapshot Histogram::snapshot() const {
  HistogramSnapshot out;
  out.bounds = bounds_;
  std::lock_guard lock(mutex_);
  std::uint64_t running = 0;
  for (const auto n : perBucket_) {
    running += n;
    out.cumulative.push_back(running);
  }
  out.sum = sum_;
  out.count = count_;
  return out;
}

}  // namespace cop::metrics
