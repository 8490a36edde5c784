#include "operator/metrics/registry.h"

#include <cmath>
#include <set>
#include <type_traits>

#include "operator/metrics/text_format.h"

namespace cop::metrics {

namespace {

// Prometheus data model: metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*.
bool validName(std::string_view name, bool allowColon) {
  if (name.empty())
    return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allowColon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0))
      return false;
  }
  return true;
}

const char* typeName(MetricType type) {
  switch (type) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Histogram:
      return "histogram";
  }
  return "untyped";
}

// `name{a="x",b="y"}` (no braces when there are no labels), with an optional extra label last.
std::string seriesName(std::string_view name, const std::vector<std::string>& labelNames,
                       const std::vector<std::string>& labelValues, std::string_view extraName = {},
                       std::string_view extraValue = {}) {
  std::string out(name);
  if (labelNames.empty() && extraName.empty())
    return out;
  out += '{';
  bool first = true;
  auto add = [&](std::string_view n, std::string_view v) {
    if (!first)
      out += ',';
    first = false;
    out += n;
    out += "=\"";
    out += escapeLabelValue(v);
    out += '"';
  };
  for (std::size_t i = 0; i < labelNames.size(); ++i)
    add(labelNames[i], labelValues[i]);
  if (!extraName.empty())
    add(extraName, extraValue);
  out += '}';
  return out;
}

}  // namespace

Expected<void, std::string> Registry::registerFamily(FamilySpec spec) {
  if (!validName(spec.name, true))
    return Unexpected("invalid metric name: " + spec.name);
  std::set<std::string> seen;
  for (const auto& label : spec.labelNames) {
    if (!validName(label, false) || label.starts_with("__")) {
      return Unexpected("invalid label name " + label + " in " + spec.name);
    }
    if (!seen.insert(label).second) {
      return Unexpected("repeated label name " + label + " in " + spec.name);
    }
    if (spec.type == MetricType::Histogram && label == "le") {
      return Unexpected("histogram " + spec.name + " may not have a label named le");
    }
  }
  if (spec.type == MetricType::Histogram) {
    if (spec.buckets.empty())
      return Unexpected("histogram " + spec.name + " has no buckets");
    for (std::size_t i = 0; i < spec.buckets.size(); ++i) {
      if (!std::isfinite(spec.buckets[i]) || (i > 0 && spec.buckets[i] <= spec.buckets[i - 1])) {
        return Unexpected("histogram " + spec.name + " buckets must be finite and increasing");
      }
    }
  } else if (!spec.buckets.empty()) {
    return Unexpected("only a histogram has buckets: " + spec.name);
  }
  std::lock_guard lock(mutex_);
  if (families_.contains(spec.name))
    return Unexpected("duplicate metric family: " + spec.name);
  std::string name = spec.name;
  families_.emplace(std::move(name), Family{std::move(spec), {}, {}, {}});
  return {};
}

Expected<Registry::Family*, std::string> Registry::findFamily(
    std::string_view name, MetricType type, const std::vector<std::string>& labelValues) {
  const auto it = families_.find(name);
  if (it == families_.end())
    return Unexpected("unknown metric family: " + std::string(name));
  if (it->second.spec.type != type) {
    return Unexpected(std::string(name) + " is a " + typeName(it->second.spec.type));
  }
  if (labelValues.size() != it->second.spec.labelNames.size()) {
    return Unexpected(std::string(name) + " takes " +
                      std::to_string(it->second.spec.labelNames.size()) + " label values");
  }
  return &it->second;
}

template <typename S>
Expected<S*, std::string> Registry::series(std::string_view name, MetricType type,
                                           const std::vector<std::string>& labelValues,
                                           SeriesMap<S> Family::*seriesOf) {
  std::lock_guard lock(mutex_);
  auto family = findFamily(name, type, labelValues);
  if (!family) {
    return Unexpected(std::move(family).error());
  }
  auto& slot = ((*family)->*seriesOf)[labelValues];
  if (!slot) {
    if constexpr (std::is_same_v<S, Histogram>) {
      slot = std::make_unique<Histogram>((*family)->spec.buckets);
    } else {
      slot = std::make_unique<S>();
    }
  }
  return slot.get();
}

Expected<Counter*, std::string> Registry::counter(std::string_view name,
                                                  const std::vector<std::string>& labelValues) {
  return series(name, MetricType::Counter, labelValues, &Family::counters);
}

Expected<Gauge*, std::string> Registry::gauge(std::string_view name,
                                              const std::vector<std::string>& labelValues) {
  return series(name, MetricType::Gauge, labelValues, &Family::gauges);
}

Expected<Histogram*, std::string> Registry::histogram(std::string_view name,
                                                      const std::vector<std::string>& labelValues) {
  return series(name, MetricType::Histogram, labelValues, &Family::histograms);
}

std::string Registry::exposition() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    const auto& spec = family.spec;
    const auto& labels = spec.labelNames;
    if (family.counters.empty() && family.gauges.empty() && family.histograms.empty())
      continue;
    out += "# HELP " + name + " " + escapeHelp(spec.help) + "\n";
    out += "# TYPE " + name + " " + typeName(spec.type) + "\n";
    for (const auto& [values, series] : family.counters) {
      out += seriesName(name, labels, values) + " " + formatValue(series->value()) + "\n";
    }
    for (const auto& [values, series] : family.gauges) {
      out += seriesName(name, labels, values) + " " + formatValue(series->value()) + "\n";
    }
    for (const auto& [values, series] : family.histograms) {
      const auto snap = series->snapshot();
      const std::string bucket = name + "_bucket";
      for (std::size_t i = 0; i < snap.bounds.size(); ++i) {
        out += seriesName(bucket, labels, values, "le", formatValue(snap.bounds[i])) + " " +
               std::to_string(snap.cumulative[i]) + "\n";
      }
      out += seriesName(bucket, labels, values, "le", "+Inf") + " " + std::to_string(snap.count) +
             "\n";
      out += seriesName(name + "_sum", labels, values) + " " + formatValue(snap.sum) + "\n";
      out += seriesName(name + "_count", labels, values) + " " + std::to_string(snap.count) + "\n";
    }
  }
  return out;
}

}  // namespace cop::metrics
