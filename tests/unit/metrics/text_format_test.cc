#include "operator/metrics/text_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace cop::metrics {
namespace {

TEST(FormatValue, SpecialValues) {
  EXPECT_EQ(formatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(formatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(formatValue(std::nan("")), "NaN");
  EXPECT_EQ(formatValue(0.0), "0");
}

TEST(FormatValue, PlainDecimalsLikeGoShortestG) {
  EXPECT_EQ(formatValue(1.0), "1");
  EXPECT_EQ(formatValue(3.0), "3");
  EXPECT_EQ(formatValue(0.005), "0.005");
  EXPECT_EQ(formatValue(1.25), "1.25");
  EXPECT_EQ(formatValue(60.0), "60");
  EXPECT_EQ(formatValue(1000.0), "1000");
  EXPECT_EQ(formatValue(100000.0), "100000");
  EXPECT_EQ(formatValue(0.0001), "0.0001");
  EXPECT_EQ(formatValue(-2.5), "-2.5");
}

TEST(FormatValue, ExponentFormOutsideMinus4To5) {
  EXPECT_EQ(formatValue(1e-8), "1e-08");
  EXPECT_EQ(formatValue(1e-5), "1e-05");
  EXPECT_EQ(formatValue(1e6), "1e+06");
  EXPECT_EQ(formatValue(1.5e-7), "1.5e-07");
  EXPECT_EQ(formatValue(123456789.0), "1.23456789e+08");
  EXPECT_EQ(formatValue(1e100), "1e+100");
}

TEST(EscapeLabelValue, BackslashQuoteNewline) {
  EXPECT_EQ(escapeLabelValue("plain"), "plain");
  EXPECT_EQ(escapeLabelValue("a\\b"), "a\\\\b");
  EXPECT_EQ(escapeLabelValue("say \"hi\""), "say \\\"hi\\\"");
  EXPECT_EQ(escapeLabelValue("two\nlines"), "two\\nlines");
  EXPECT_EQ(escapeLabelValue("tab\tstays"), "tab\tstays");
}

TEST(EscapeHelp, BackslashAndNewlineButNotQuote) {
  EXPECT_EQ(escapeHelp("a \"b\" c\\d\ne"), "a \"b\" c\\\\d\\ne");
}

}  // namespace
}  // namespace cop::metrics
