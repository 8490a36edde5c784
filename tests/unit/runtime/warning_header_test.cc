#include "operator/client/warning_header.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cop::client {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// §4.2: what apimachinery NewWarningHeader writes.
TEST(WarningHeaderTest, ApiserverForm) {
  const auto warnings =
      parseWarningHeader(R"(299 - "apps/v1beta1 Deployment is deprecated in v1.9+")");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].code, 299);
  EXPECT_EQ(warnings[0].agent, "-");
  EXPECT_EQ(warnings[0].text, "apps/v1beta1 Deployment is deprecated in v1.9+");
}

TEST(WarningHeaderTest, EscapesAreUndone) {
  const auto warnings = parseWarningHeader(R"(299 - "unknown field \"spec.foo\" in a \\ path")");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].text, R"(unknown field "spec.foo" in a \ path)");
}

TEST(WarningHeaderTest, SeveralPerHeaderWithDatesAndAgents) {
  const auto warnings = parseWarningHeader(
      R"(299 - "one", 299 apiserver:6443 "two, with comma" "Wed, 21 Oct 2015 07:28:00 GMT",199 - "three")");
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_EQ(warnings[0].text, "one");
  EXPECT_EQ(warnings[1].agent, "apiserver:6443");
  EXPECT_EQ(warnings[1].text, "two, with comma");
  EXPECT_EQ(warnings[2].code, 199);
  EXPECT_EQ(warnings[2].text, "three");
}

TEST(WarningHeaderTest, MalformedValuesAreSkippedNotFatal) {
  EXPECT_THAT(parseWarningHeader(""), IsEmpty());
  EXPECT_THAT(parseWarningHeader("299 - unquoted"), IsEmpty());
  EXPECT_THAT(parseWarningHeader(R"(29 - "short code")"), IsEmpty());
  EXPECT_THAT(parseWarningHeader(R"(2990 - "long code")"), IsEmpty());
  EXPECT_THAT(parseWarningHeader(R"(299  "no agent")"), IsEmpty());
  EXPECT_THAT(parseWarningHeader(R"(299 - "unterminated)"), IsEmpty());
  EXPECT_THAT(parseWarningHeader(R"(299 - "dangling escape\)"), IsEmpty());
  EXPECT_THAT(parseWarningHeader("299 - \"control\x01"
                                 "char\""),
              IsEmpty());
  EXPECT_THAT(parseWarningHeader("299 - \"bad utf8 \xff\""), IsEmpty());
  // A good value before a bad one is kept; parsing of that header stops at the bad one.
  const auto warnings = parseWarningHeader(R"(299 - "good", junk, 299 - "lost")");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].text, "good");
  // Junk after a value's text spoils that value (apimachinery ParseWarningHeader).
  EXPECT_THAT(parseWarningHeader(R"(299 - "spoilt" junk)"), IsEmpty());
}

TEST(WarningHeaderTest, AllWarningHeadersOfAResponse) {
  const ResponseHeaders headers = {
      {"Content-Type", "application/json"},
      {"Warning", R"(299 - "first")"},
      {"warning", R"(299 - "second", 299 - "first")"},
      {"Warning", "garbage"},
      {"Warning", R"(199 - "not from the apiserver")"},
      {"Warning", R"(299 - "")"},
  };
  EXPECT_EQ(parseWarningHeaders(headers).size(), 5u);
  // Only 299 with text, each text once (client-go WarningLogger, deduplicating writer).
  EXPECT_THAT(warningTexts(headers), ElementsAre("first", "second"));
  EXPECT_THAT(warningTexts({}), IsEmpty());
}

}  // namespace
}  // namespace cop::client
