#pragma once

// Pieces of the Prometheus text exposition format 0.0.4
// (prometheus/common expfmt/text_create.go).

#include <string>
#include <string_view>

namespace cop::metrics {

// A sample value as expfmt writeFloat: "+Inf", "-Inf", "NaN", else Go's
// strconv.FormatFloat(v, 'g', -1, 64): shortest digits, exponent form when the decimal exponent
// is < -4 or >= 6 ("1e-08", "1e+06"), otherwise plain ("0.005", "100000").
std::string formatValue(double value);

// Label value: \ -> \\, " -> \", newline -> \n.
std::string escapeLabelValue(std::string_view value);

// HELP text: \ -> \\, newline -> \n (quotes stay).
std::string escapeHelp(std::string_view help);

}  // namespace cop::metrics
