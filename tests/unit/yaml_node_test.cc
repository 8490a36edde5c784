#include "operator/load/yaml_node.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "operator/common/text.h"

namespace cop::load {
namespace {

using ::testing::HasSubstr;

TEST(YamlNodeTest, KeepsKeyOrderLinesAndQuoting) {
  auto node = parseYaml("b: 1\na: 'x'\nc:\n", "f.yaml");
  ASSERT_TRUE(node) << node.error().format();
  ASSERT_EQ(node->entries().size(), 3u);
  EXPECT_EQ(node->entries()[0].key, "b");
  EXPECT_EQ(node->entries()[1].key, "a");
  EXPECT_TRUE(node->find("a")->quoted());
  EXPECT_FALSE(node->find("b")->quoted());
  EXPECT_TRUE(node->find("c")->isNull());
  EXPECT_EQ(node->find("a")->mark().line, 2);
  EXPECT_EQ(node->find("c")->mark().line, 3);  // a null value reports its key's line
  EXPECT_EQ(node->find("a")->mark().fileName(), "f.yaml");
}

TEST(YamlNodeTest, AppliesMergeKeysWithExplicitKeysWinning) {
  auto node = parseYaml(
      "base: &b {x: 1, y: 2}\nother: &o {y: 9, z: 3}\n"
      "svc:\n  <<: [*b, *o]\n  x: 10\n",
      "f.yaml");
  ASSERT_TRUE(node) << node.error().format();
  const Node* svc = node->find("svc");
  EXPECT_EQ(svc->find("x")->text(), "10");  // explicit wins
  EXPECT_EQ(svc->find("y")->text(), "2");   // the earlier merged map wins
  EXPECT_EQ(svc->find("z")->text(), "3");
  EXPECT_EQ(svc->find("<<"), nullptr);
}

TEST(YamlNodeTest, RejectsDuplicateKeysWithTheirLine) {
  auto node = parseYaml("a: 1\nb: 2\na: 3\n", "dup.yaml");
  ASSERT_FALSE(node);
  EXPECT_THAT(node.error().message, HasSubstr("duplicate key 'a'"));
  EXPECT_EQ(node.error().line, 3);
  EXPECT_EQ(node.error().file, "dup.yaml");
}

TEST(YamlNodeTest, KeepsComposeTagsAndRejectsUnknownOnes) {
  auto node = parseYaml("a: !reset []\nb: !override {x: 1}\n", "f.yaml");
  ASSERT_TRUE(node);
  EXPECT_EQ(node->find("a")->tag(), "!reset");
  EXPECT_EQ(node->find("b")->tag(), "!override");
  auto bad = parseYaml("a: !foo 1\n", "f.yaml");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("unknown YAML tag '!foo'"));
}

TEST(YamlNodeTest, StopsAliasBombsAtTheNodeLimit) {
  // Billion laughs: nine levels of ten aliases expand to 10^9 nodes.
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    const std::string prev = concat("*a", std::to_string(i - 1));
    const std::string n = std::to_string(i);
    text += concat("a", n, ": &a", n, " [");
    for (int k = 0; k < 10; ++k) {
      text += prev + (k < 9 ? ", " : "");
    }
    text += "]\n";
  }
  auto node = parseYaml(text, "bomb.yaml");
  ASSERT_FALSE(node);
  EXPECT_THAT(node.error().message, HasSubstr("expands to more than"));
}

TEST(YamlNodeTest, RefusesDeepNesting) {
  const std::string deep = "a: " + std::string(20000, '[') + std::string(20000, ']') + "\n";
  auto node = parseYaml(deep, "deep.yaml");
  ASSERT_FALSE(node);
  EXPECT_THAT(node.error().message, HasSubstr("nesting deeper"));
  // Within the parser's limit but beyond ours.
  const std::string medium = "a: " + std::string(300, '[') + std::string(300, ']') + "\n";
  auto second = parseYaml(medium, "deep.yaml");
  ASSERT_FALSE(second);
  EXPECT_THAT(second.error().message, HasSubstr("nesting deeper than 200"));
}

TEST(YamlNodeTest, RefusesHugeInputBeforeParsing) {
  const std::string huge(3 * 1024 * 1024, '#');
  auto node = parseYaml(huge, "huge.yaml");
  ASSERT_FALSE(node);
  EXPECT_THAT(node.error().message, HasSubstr("more than the limit"));
}

TEST(YamlNodeTest, ReportsSyntaxErrorsWithLine) {
  auto node = parseYaml("services:\n  web:\n    image: [unclosed\n", "bad.yaml");
  ASSERT_FALSE(node);
  EXPECT_THAT(node.error().message, HasSubstr("invalid YAML"));
  EXPECT_GT(node.error().line, 0);
}

TEST(YamlNodeTest, RejectsSeveralDocumentsAndNulBytes) {
  EXPECT_FALSE(parseYaml("a: 1\n---\nb: 2\n", "f.yaml"));
  EXPECT_FALSE(parseYaml(std::string("a: 1\0", 5), "f.yaml"));
}

}  // namespace
}  // namespace cop::load
