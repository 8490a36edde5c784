#include "operator/load/dotenv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace cop::load {
namespace {

using ::testing::HasSubstr;
using testing::lookupFrom;

TEST(DotenvTest, ParsesQuotingCommentsAndExport) {
  const std::string text =
      "# comment\n"
      "A=plain value # trailing comment\n"
      "export B='single $A #not comment'\n"
      "C=\"double $A\\n\\\"q\\\"\"\n"
      "D=hash#inside\n"
      "\n"
      "E=\n";
  auto env = parseDotenv(text, ".env", lookupFrom({}));
  ASSERT_TRUE(env) << env.error().format();
  std::map<std::string, std::string> m(env->begin(), env->end());
  EXPECT_EQ(m["A"], "plain value");
  EXPECT_EQ(m["B"], "single $A #not comment");
  EXPECT_EQ(m["C"], "double plain value\n\"q\"");
  EXPECT_EQ(m["D"], "hash#inside");
  EXPECT_EQ(m["E"], "");
}

TEST(DotenvTest, KeyOnlyLinesComeFromTheEnvironment) {
  auto env = parseDotenv("SET\nUNSET\n", ".env", lookupFrom({{"SET", "yes"}}));
  ASSERT_TRUE(env);
  ASSERT_EQ(env->size(), 1u);
  EXPECT_EQ((*env)[0], std::make_pair(std::string("SET"), std::string("yes")));
}

TEST(DotenvTest, MultiLineQuotedValues) {
  auto env = parseDotenv("K=\"line1\nline2\"\nNEXT=1\n", ".env", lookupFrom({}));
  ASSERT_TRUE(env);
  EXPECT_EQ((*env)[0].second, "line1\nline2");
  EXPECT_EQ((*env)[1].first, "NEXT");
}

TEST(DotenvTest, RawFormatKeepsValuesVerbatim) {
  auto env = parseDotenv("K=${NOT} 'x'\n", ".env", lookupFrom({}), true);
  ASSERT_TRUE(env);
  EXPECT_EQ((*env)[0].second, "${NOT} 'x'");
}

TEST(DotenvTest, ErrorsNameFileAndLine) {
  auto env = parseDotenv("A=1\nnot a valid line\n", "app.env", lookupFrom({}));
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().file, "app.env");
  EXPECT_EQ(env.error().line, 2);
  auto unterminated = parseDotenv("A='open\n", "app.env", lookupFrom({}));
  ASSERT_FALSE(unterminated);
  EXPECT_THAT(unterminated.error().message, HasSubstr("unterminated"));
}

}  // namespace
}  // namespace cop::load
