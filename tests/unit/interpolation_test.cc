#include "operator/load/interpolation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace cop::load {
namespace {

using ::testing::HasSubstr;
using testing::lookupFrom;

std::string run(const std::string& text, std::map<std::string, std::string> values = {}) {
  auto out = interpolate(text, lookupFrom(std::move(values)));
  return out ? *out : "ERROR: " + out.error().message;
}

TEST(InterpolationTest, SubstitutesPlainAndBracedForms) {
  EXPECT_EQ(run("$A-${A}", {{"A", "x"}}), "x-x");
  EXPECT_EQ(run("${A}_suffix$A", {{"A", "v"}}), "v_suffixv");
  EXPECT_EQ(run("no vars"), "no vars");
}

TEST(InterpolationTest, DefaultsDistinguishUnsetFromEmpty) {
  EXPECT_EQ(run("${A:-d}", {{"A", ""}}), "d");
  EXPECT_EQ(run("${A-d}", {{"A", ""}}), "");
  EXPECT_EQ(run("${A-d}"), "d");
  EXPECT_EQ(run("${A:-d}", {{"A", "v"}}), "v");
}

TEST(InterpolationTest, AlternativesApplyOnlyWhenSet) {
  EXPECT_EQ(run("${A:+alt}", {{"A", "v"}}), "alt");
  EXPECT_EQ(run("${A:+alt}", {{"A", ""}}), "");
  EXPECT_EQ(run("${A+alt}", {{"A", ""}}), "alt");
}

TEST(InterpolationTest, RequiredVariablesFailWithTheirMessage) {
  EXPECT_EQ(run("${A:?need A}", {{"A", "v"}}), "v");
  EXPECT_EQ(run("${A:?need A}", {{"A", ""}}),
            "ERROR: required variable A is missing a value: need A");
  EXPECT_EQ(run("${A?need A}", {{"A", ""}}), "");
  EXPECT_EQ(run("${A?}"), "ERROR: required variable A is missing a value");
}

TEST(InterpolationTest, NestsInsideDefaults) {
  EXPECT_EQ(run("${A:-${B:-inner}}"), "inner");
  EXPECT_EQ(run("${A:-${B}}", {{"B", "b"}}), "b");
  EXPECT_EQ(run("${A:-x${B:-y}z}"), "xyz");
}

TEST(InterpolationTest, DoubleDollarIsALiteralDollar) {
  EXPECT_EQ(run("$$A $${A}", {{"A", "x"}}), "$A ${A}");
  EXPECT_EQ(run("cost $5"), "cost $5");
  EXPECT_EQ(run("end$"), "end$");
}

TEST(InterpolationTest, UnsetVariablesBecomeBlankAndAreCounted) {
  std::map<std::string, int> unset;
  auto out = interpolate("a${MISSING}b$MISSING", lookupFrom({}), &unset);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "ab");
  EXPECT_EQ(unset["MISSING"], 2);
}

TEST(InterpolationTest, RejectsMalformedReferences) {
  EXPECT_THAT(run("${A"), HasSubstr("no closing"));
  EXPECT_THAT(run("${}"), HasSubstr("does not start with a variable name"));
  EXPECT_THAT(run("${A/x/y}"), HasSubstr("expected ${VAR}"));
}

TEST(InterpolationTest, InterpolatesValuesButNeverKeys) {
  auto node = parseYaml("${KEY}: ${VALUE}\nlist: [$VALUE]\n", "f.yaml");
  ASSERT_TRUE(node);
  Warnings warnings;
  ASSERT_TRUE(interpolateTree(*node, lookupFrom({{"KEY", "k"}, {"VALUE", "v"}}), "", warnings));
  EXPECT_NE(node->find("${KEY}"), nullptr);
  EXPECT_EQ(node->find("${KEY}")->text(), "v");
  EXPECT_EQ(node->find("list")->items()[0].text(), "v");
}

TEST(InterpolationTest, TreeErrorsNameThePath) {
  auto node = parseYaml("services:\n  web:\n    image: ${IMG:?set IMG}\n", "c.yaml");
  ASSERT_TRUE(node);
  Warnings warnings;
  auto status = interpolateTree(*node, lookupFrom({}), "", warnings);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().path, "services.web.image");
  EXPECT_EQ(status.error().line, 3);
  EXPECT_THAT(status.error().message, HasSubstr("set IMG"));
}

TEST(InterpolationTest, WarnsOncePerUnsetVariable) {
  auto node = parseYaml("a: $X\nb: ${X}\n", "c.yaml");
  ASSERT_TRUE(node);
  Warnings warnings;
  ASSERT_TRUE(interpolateTree(*node, lookupFrom({}), "", warnings));
  ASSERT_EQ(warnings.items().size(), 1u);
  EXPECT_THAT(warnings.items()[0].message, HasSubstr("X is not set"));
}

}  // namespace
}  // namespace cop::load
