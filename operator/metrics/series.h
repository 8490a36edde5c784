#pragma once

// One time series of a family. Every method is thread-safe; the registry owns the series and
// hands out pointers that stay valid for the registry's lifetime.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

namespace cop::metrics {

class Counter {
 public:
  // A counter only goes up: a negative or NaN amount is ignored (client_golang panics).
  void inc(double amount = 1.0);
  double value() const { return value_.load(); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void set(double value) { value_.store(value); }
  void add(double amount);
  double value() const { return value_.load(); }

 private:
  std::atomic<double> value_{0.0};
};

struct HistogramSnapshot {
  std::vector<double> bounds;
  // Cumulative counts, one per bound, then one for +Inf (== count).
  std::vector<std::uint64_t> cumulative;
  double sum = 0.0;
  std::uint64_t count = 0;
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  // A value equal to a bound counts in that bound's bucket (le = "less or equal").
  void observe(double value);
  HistogramSnapshot snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::vector<double> bounds_;
  std::vector<std::uint64_t> perBucket_;  // not cumulative; last entry is +Inf
  double sum_ = 0.0;
  std::uint64_t count_ = 0;
};

}  // namespace cop::metrics
