#include "operator/load/units.h"

#include <cctype>
#include <cmath>
#include <limits>

#include "operator/common/text.h"

namespace cop::load {

namespace {

constexpr std::int64_t kMaxMs = std::numeric_limits<std::int64_t>::max() / 1000;

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// Reads a non-negative decimal number ("12", "1.5", ".5") at the front of text.
std::optional<double> takeNumber(std::string_view& text) {
  std::size_t i = 0;
  bool digits = false;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    ++i;
    digits = true;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      ++i;
      digits = true;
    }
  }
  if (!digits || i > 30) {
    return std::nullopt;
  }
  const double value = std::stod(std::string(text.substr(0, i)));
  text.remove_prefix(i);
  return value;
}

}  // namespace

std::optional<std::int64_t> parseDurationMs(std::string_view text) {
  text = trim(text);
  if (text.empty()) {
    return std::nullopt;
  }
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text == "0") {
    return 0;
  }
  double totalMs = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    auto number = takeNumber(rest);
    if (!number) {
      return std::nullopt;
    }
    std::size_t unitLength = 0;
    while (unitLength < rest.size() &&
           !std::isdigit(static_cast<unsigned char>(rest[unitLength])) && rest[unitLength] != '.') {
      ++unitLength;
    }
    const std::string_view unit = rest.substr(0, unitLength);
    rest.remove_prefix(unitLength);
    double factor = 0;  // to milliseconds
    if (unit.empty()) {
      return std::nullopt;  // compose (Go's ParseDuration) refuses a number without a unit
    } else if (unit == "ns") {
      factor = 1e-6;
    } else if (unit == "us" || unit == "\xC2\xB5s") {
      factor = 1e-3;
    } else if (unit == "ms") {
      factor = 1;
    } else if (unit == "s") {
      factor = 1000;
    } else if (unit == "m") {
      factor = 60'000;
    } else if (unit == "h") {
      factor = 3'600'000;
    } else {
      return std::nullopt;
    }
    totalMs += *number * factor;
    if (totalMs > static_cast<double>(kMaxMs)) {
      return std::nullopt;
    }
  }
  if (negative) {
    return std::nullopt;  // compose has no negative durations
  }
  return static_cast<std::int64_t>(std::ceil(totalMs));
}

std::optional<std::int64_t> parseBytes(std::string_view text) {
  std::string_view rest = trim(text);
  auto number = takeNumber(rest);
  if (!number) {
    return std::nullopt;
  }
  const std::string unit = toLower(trim(rest));
  double factor = 0;
  if (unit.empty() || unit == "b") {
    factor = 1;
  } else if (unit == "k" || unit == "kb" || unit == "kib") {
    factor = 1024.0;
  } else if (unit == "m" || unit == "mb" || unit == "mib") {
    factor = 1024.0 * 1024;
  } else if (unit == "g" || unit == "gb" || unit == "gib") {
    factor = 1024.0 * 1024 * 1024;
  } else if (unit == "t" || unit == "tb" || unit == "tib") {
    factor = 1024.0 * 1024 * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  const double bytes = *number * factor;
  if (bytes > 9.0e18) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(std::ceil(bytes));
}

std::optional<std::int64_t> parseMilliCpus(std::string_view text) {
  std::string_view rest = trim(text);
  auto number = takeNumber(rest);
  if (!number || !trim(rest).empty() || *number > 1e9) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(std::llround(*number * 1000));
}

std::string bytesToQuantity(std::int64_t bytes) {
  static constexpr std::pair<std::int64_t, const char*> kSuffixes[] = {
      {1LL << 40, "Ti"}, {1LL << 30, "Gi"}, {1LL << 20, "Mi"}, {1LL << 10, "Ki"}};
  for (const auto& [factor, suffix] : kSuffixes) {
    if (bytes >= factor && bytes % factor == 0) {
      return std::to_string(bytes / factor) + suffix;
    }
  }
  return std::to_string(bytes);
}

std::string milliCpusToQuantity(std::int64_t milliCpus) {
  if (milliCpus % 1000 == 0) {
    return std::to_string(milliCpus / 1000);
  }
  return std::to_string(milliCpus) + "m";
}

std::int64_t msToSecondsCeil(std::int64_t ms, std::int64_t minimum) {
  const std::int64_t seconds = ms / 1000 + (ms % 1000 != 0 ? 1 : 0);
  return seconds < minimum ? minimum : seconds;
}

}  // namespace cop::load
