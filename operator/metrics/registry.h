#pragma once

// A thread-safe registry of metric families and their series, and its text exposition
// (Prometheus text format 0.0.4). Families are written sorted by name and series sorted by
// their label values, so the output is deterministic. A family with no series yet is not
// written (as client_golang's vectors). Series are created on first use and live as long as
// the registry; the returned pointers stay valid until then.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "operator/common/result.h"
#include "operator/metrics/metric_family.h"
#include "operator/metrics/series.h"

namespace cop::metrics {

// The Content-Type of exposition() output.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

class Registry {
 public:
  // Fails on a duplicate or invalid name, an invalid or repeated label name, "le" as a
  // histogram label, or histogram buckets that are empty, not finite or not increasing.
  Expected<void, std::string> registerFamily(FamilySpec spec);

  // The series with these label values (one per label name, in order), created at zero.
  // Fails if the family is unknown, of another type, or the value count is wrong.
  Expected<Counter*, std::string> counter(std::string_view name,
                                          const std::vector<std::string>& labelValues);
  Expected<Gauge*, std::string> gauge(std::string_view name,
                                      const std::vector<std::string>& labelValues);
  Expected<Histogram*, std::string> histogram(std::string_view name,
                                              const std::vector<std::string>& labelValues);

  std::string exposition() const;

 private:
  // Series by label values.
  template <typename S>
  using SeriesMap = std::map<std::vector<std::string>, std::unique_ptr<S>>;

  struct Family {
    FamilySpec spec;
    SeriesMap<Counter> counters;
    SeriesMap<Gauge> gauges;
    SeriesMap<Histogram> histograms;
  };

  Expected<Family*, std::string> findFamily(std::string_view name, MetricType type,
                                            const std::vector<std::string>& labelValues);
  // The series of `labelValues` in the family's map `seriesOf`, created on first use.
  template <typename S>
  Expected<S*, std::string> series(std::string_view name, MetricType type,
                                   const std::vector<std::string>& labelValues,
                                   SeriesMap<S> Family::*seriesOf);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace cop::metrics
