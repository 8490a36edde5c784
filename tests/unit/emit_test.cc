#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "operator/emit/writers.h"
#include "tests/support/test_support.h"

namespace cop::emit {
namespace {

using ::testing::HasSubstr;

TEST(YamlWriterTest, AmbiguousStringsAreQuotedSoTheyReadBackAsStrings) {
  Object value = Object::object();
  for (const char* text :
       {"true",  "no",   "Yes",   "null", "~",          "80",        "0755",     "1.5", "1e3",
        ".inf",  "- x",  "a: b",  "#x",   "",           " lead",     "trail ",   "x:",  "@at",
        "*star", "&amp", "!bang", "%p",   "2024-01-01", "é unicode", "tab\there"}) {
    value[text] = text;
  }
  value["int"] = 8080;
  value["bool"] = false;
  value["nested"] =
      Object{{"list", Object::array({1, "two", Object{{"k", "v"}}})}, {"empty", Object::object()}};
  const auto parsed = testing::yamlStreamToJson(toYaml(value));
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0], nlohmann::json::parse(value.dump()));
}

TEST(YamlWriterTest, MultiLineTextUsesLiteralBlocksAndRoundTrips) {
  for (const std::string text :
       {"line1\nline2\n", "no final break\nx", "two final\n\n", "a\n\nb\n", "  leading space\n",
        "trailing space \n", "carriage\r\nreturn\n"}) {
    Object value{{"data", text}};
    const std::string yaml = toYaml(value);
    const auto parsed = testing::yamlStreamToJson(yaml);
    ASSERT_EQ(parsed.size(), 1u) << yaml;
    EXPECT_EQ(parsed[0]["data"], text) << yaml;
  }
  EXPECT_THAT(toYaml(Object{{"data", "a\nb\n"}}), HasSubstr("data: |\n  a\n  b\n"));
}

TEST(YamlWriterTest, StreamAndJsonList) {
  std::vector<Object> objects{Object{{"kind", "A"}}, Object{{"kind", "B"}}};
  EXPECT_EQ(toYamlStream(objects), "---\nkind: A\n---\nkind: B\n");
  const auto list = nlohmann::json::parse(toJsonList(objects));
  EXPECT_EQ(list["kind"], "List");
  EXPECT_EQ(list["items"].size(), 2u);
}

}  // namespace
}  // namespace cop::emit
