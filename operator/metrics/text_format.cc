#include "operator/metrics/text_format.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace cop::metrics {

namespace {

// Go strconv 'g' with shortest precision decides on exponent form with precision 6
// (strconv/ftoa.go: "if shortest { eprec = 6 }").
constexpr int kShortestExponentPrecision = 6;
// Go %e pads the exponent to at least two digits ("1e-08").
constexpr int kMinExponentDigits = 2;

// The text format's escapes: backslash and newline everywhere, '"' in label values only.
std::string escapeText(std::string_view text, bool escapeQuotes) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"' && escapeQuotes) {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string formatValue(double value) {
  if (std::isnan(value))
    return "NaN";
  if (std::isinf(value))
    return value > 0 ? "+Inf" : "-Inf";
  if (value == 0.0)
    return std::signbit(value) ? "-0" : "0";

  // Shortest round-trip digits in scientific form: [-]d[.ddd]e[+-]xx
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  std::string sign;
  if (sci.front() == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  const auto ePos = sci.find('e');
  std::string digits = sci.substr(0, ePos);
  if (const auto dot = digits.find('.'); dot != std::string::npos)
    digits.erase(dot, 1);
  const int exponent = std::atoi(sci.c_str() + ePos + 1);

  if (exponent < -4 || exponent >= kShortestExponentPrecision) {
    std::string out = sign + digits.substr(0, 1);
    if (digits.size() > 1)
      out += "." + digits.substr(1);
    out += exponent < 0 ? "e-" : "e+";
    std::string expDigits = std::to_string(std::abs(exponent));
    if (expDigits.size() < kMinExponentDigits) {
      expDigits.insert(0, kMinExponentDigits - expDigits.size(), '0');
    }
    return out + expDigits;
  }
  std::string out;
  if (exponent < 0) {
    out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
  } else {
    const auto intDigits = static_cast<std::size_t>(exponent + 1);
    if (digits.size() <= intDigits) {
      out = digits + std::string(intDigits - digits.size(), '0');
    } else {
      out = digits.substr(0, intDigits) + "." + digits.substr(intDigits);
    }
  }
  return sign + out;
}

std::string escapeLabelValue(std::string_view value) {
  return escapeText(value, /*escapeQuotes=*/true);
}

std::string escapeHelp(std::string_view help) {
  return escapeText(help, /*escapeQuotes=*/false);
}

}  // namespace cop::metrics
