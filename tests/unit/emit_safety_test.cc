// Issue 6, class 1: "output means what we meant". The YAML stream must decode to exactly the
// JSON value in every consumer, whatever the strings hold; text that is not UTF-8 is refused
// where it enters, and file contents that are not UTF-8 become binaryData.
//
// yaml-cpp (test support) reads the YAML back; the YAML 1.1 typing that kubectl's go-yaml and
// PyYAML apply to plain scalars is checked by a resolver written here from PyYAML's and
// go-yaml's rules. tests/yamldiff/run checks the same with the real consumers.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <regex>

#include "operator/common/text.h"
#include "operator/common/utf8.h"
#include "operator/emit/writers.h"
#include "operator/load/dotenv.h"
#include "tests/support/test_support.h"

namespace cop::emit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string utf8(char32_t c) {
  std::string out;
  appendUtf8(out, c);
  return out;
}

// How YAML 1.1 (PyYAML's resolver, plus go-yaml v2's additions: y/n, 0o, 1e3) types a plain
// scalar.
std::string yaml11Type(const std::string& plain) {
  static const std::regex kBool(
      "y|Y|n|N|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");
  static const std::regex kNull("~|null|Null|NULL|");
  static const std::regex kInt(
      "[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|"
      "[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+");
  static const std::regex kFloat(
      "[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|"
      "[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)"
      "?");
  static const std::regex kTimestamp(
      "[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{2}:"
      "[0-9]{2}(\\.[0-9]*)?([ \\t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?");
  if (std::regex_match(plain, kBool)) {
    return "bool";
  }
  if (std::regex_match(plain, kNull)) {
    return "null";
  }
  if (std::regex_match(plain, kInt)) {
    return "int";
  }
  if (std::regex_match(plain, kFloat)) {
    return "float";
  }
  if (std::regex_match(plain, kTimestamp)) {
    return "timestamp";
  }
  if (plain == "<<") {
    return "merge";
  }
  if (plain == "=") {
    return "value";
  }
  return "str";
}

std::string jsonType(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::boolean:
      return "bool";
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "int";
    case nlohmann::json::value_t::number_float:
      return "float";
    default:
      return "str";
  }
}

// Every plain scalar (value or key) of `node` must have, under YAML 1.1, the type that the
// JSON value has.
void expectYaml11Types(const YAML::Node& node, const nlohmann::json& expected,
                       const std::string& pointer) {
  if (node.IsMap()) {
    for (const auto& pair : node) {
      const std::string key = pair.first.Scalar();
      if (pair.first.Tag() == "?") {
        EXPECT_EQ(yaml11Type(key), "str") << "plain key " << key << " at " << pointer;
      }
      ASSERT_TRUE(expected.contains(key)) << pointer << "/" << key;
      expectYaml11Types(pair.second, expected[key], pointer + "/" + key);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      expectYaml11Types(node[i], expected[i], pointer + "/" + std::to_string(i));
    }
  } else if (node.IsScalar() && node.Tag() == "?") {
    EXPECT_EQ(yaml11Type(node.Scalar()), jsonType(expected))
        << "plain scalar " << node.Scalar() << " at " << pointer;
  }
}

// toYaml, read back by yaml-cpp, equals the value; and YAML 1.1 types agree.
void expectRoundTrip(const Object& value) {
  const std::string yaml = toYamlStream({value});
  const nlohmann::json expected = nlohmann::json::parse(value.dump());
  std::vector<nlohmann::json> parsed;
  try {
    parsed = testing::yamlStreamToJson(yaml);
  } catch (const YAML::Exception& e) {
    FAIL() << e.what() << "\n" << yaml;
  }
  ASSERT_EQ(parsed.size(), 1u) << yaml;
  EXPECT_EQ(parsed[0], expected) << yaml;
  expectYaml11Types(YAML::Load(yaml), expected, "");
}

// Every character YAML does not call printable, and those that YAML 1.1 readers take for a
// line break or a byte-order mark.
std::vector<char32_t> dangerousCodePoints() {
  std::vector<char32_t> out;
  for (char32_t c = 0; c < 0x20; ++c) {
    out.push_back(c);
  }
  for (char32_t c = 0x7F; c < 0xA0; ++c) {
    out.push_back(c);
  }
  for (char32_t c : {0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF}) {
    out.push_back(c);
  }
  return out;
}

const std::vector<std::string>& yaml11Scalars() {
  static const std::vector<std::string> kScalars = {"y",          "Y",
                                                    "n",          "N",
                                                    "yes",        "Yes",
                                                    "NO",         "on",
                                                    "On",         "OFF",
                                                    "off",        "true",
                                                    "False",      "null",
                                                    "NULL",       "~",
                                                    "0755",       "0o755",
                                                    "0x1F",       "0b101",
                                                    "1_000",      "+1",
                                                    "-1",         "1:20",
                                                    "190:20:30",  "1.5",
                                                    "1e3",        "1e+100",
                                                    ".5",         ".inf",
                                                    "-.inf",      ".NaN",
                                                    "2024-01-01", "2001-12-14t21:59:43.10-05:00",
                                                    "=",          "<<",
                                                    "",           " ",
                                                    "-",          "---",
                                                    "...",        "#x",
                                                    "a #b",       "a: b",
                                                    "a:",         "- x",
                                                    "? x",        "%TAG",
                                                    "@x",         "`x",
                                                    "!x",         "&a",
                                                    "*a",         "|",
                                                    ">",          "{a",
                                                    "[a",         "}",
                                                    "]",          ",",
                                                    "'q'",        "\"dq\"",
                                                    "\\",         " lead",
                                                    "trail ",     "\t"};
  return kScalars;
}

TEST(YamlWriterSafetyTest, Yaml11WordsAndNumbersStayStrings) {
  // Deleting the YAML 1.1 word list (y, n, yes, no, on, off) or the rule that a plain string
  // starts with a letter makes kubectl read these as booleans, numbers or dates.
  Object value = Object::object();
  Object list = Object::array();
  for (const std::string& text : yaml11Scalars()) {
    value[text] = text;
    list.push_back(text);
  }
  value["list"] = list;
  expectRoundTrip(value);
  for (const char* word : {"y", "n", "yes", "no", "on", "off", "Y", "NO", "On"}) {
    EXPECT_EQ(toYaml(Object{{"k", word}}), std::string("k: \"") + word + "\"\n");
    EXPECT_EQ(toYaml(Object{{word, 1}}), std::string("\"") + word + "\": 1\n");
  }
}

TEST(YamlWriterSafetyTest, ScalarsThatAreNotStringsKeepTheirTypes) {
  expectRoundTrip(Object{{"int", 8080},
                         {"negative", -3},
                         {"big", 9007199254740993LL},
                         {"float", 2.5},
                         {"whole", 5.0},
                         {"tiny", 1e-7},
                         {"huge", 1e100},
                         {"bool", true},
                         {"null", nullptr}});
}

TEST(YamlWriterSafetyTest, FloatsCarryADotAndASignedExponent) {
  // YAML 1.1 (PyYAML) reads 1e+100 as a string: a float needs a '.'.
  EXPECT_EQ(toYaml(Object{{"f", 1e100}}), "f: 1.0e+100\n");
  EXPECT_EQ(toYaml(Object{{"f", 1e-7}}), "f: 1.0e-07\n");
  EXPECT_EQ(toYaml(Object{{"f", -2.5e30}}), "f: -2.5e+30\n");
  EXPECT_EQ(toYaml(Object{{"f", 0.5}}), "f: 0.5\n");
}

TEST(YamlWriterSafetyTest, NonPrintableCharactersAreEscapedInQuotedStrings) {
  for (char32_t c : dangerousCodePoints()) {
    const std::string raw = utf8(c);
    for (const std::string& text : {raw, "a" + raw + "b", "a" + raw + "privileged: true"}) {
      const Object value{{"v", text}, {text, "key"}};
      const std::string yaml = toYaml(value);
      SCOPED_TRACE(yaml);
      if (c != '\n') {
        EXPECT_EQ(yaml.find(raw), std::string::npos) << "U+" << std::hex << unsigned(c);
      }
      expectRoundTrip(value);
    }
  }
  // The escapes: YAML's \xXX, \uXXXX; named ones for \n, \t, '"' and '\'.
  EXPECT_EQ(toYaml(Object{{"v", "a\u2028b"}}), "v: \"a\\u2028b\"\n");
  EXPECT_EQ(toYaml(Object{{"v", "a\u2029b"}}), "v: \"a\\u2029b\"\n");
  EXPECT_EQ(toYaml(Object{{"v", concat("a", utf8(0x85), "b")}}), "v: \"a\\x85b\"\n");
  EXPECT_EQ(toYaml(Object{{"v", "a\x01\x7F\x1B"}}), "v: \"a\\x01\\x7F\\x1B\"\n");
  EXPECT_EQ(toYaml(Object{{"v", concat("\uFEFFx\uFFFE", utf8(0xFFFF))}}),
            "v: \"\\uFEFFx\\uFFFE\\uFFFF\"\n");
  EXPECT_EQ(toYaml(Object{{"v", "t\tq\"b\\"}}), "v: \"t\\tq\\\"b\\\\\"\n");
}

TEST(YamlWriterSafetyTest, PrintableUnicodeStaysReadableAndIsNeverASurrogatePair) {
  // PyYAML does not join \uD83D\uDE00 into one character: astral text is written as UTF-8.
  const std::string text = "caf\u00e9 \u4e2d \U0001F600 \U0010FFFF";
  const std::string yaml = toYaml(Object{{"v", text}});
  EXPECT_EQ(yaml, "v: \"" + text + "\"\n");
  EXPECT_THAT(yaml, Not(HasSubstr("\\uD8")));
  expectRoundTrip(Object{{"v", text}, {text, text + "\n" + text + "\n"}});
}

TEST(YamlWriterSafetyTest, LiteralBlocksOnlyForTextWhoseEveryCharacterIsSafe) {
  // Readable text keeps its literal block.
  EXPECT_EQ(toYaml(Object{{"v", "a\n\tb \u00e9\n"}}), "v: |\n  a\n  \tb \u00e9\n");
  // A line break other than \n, or any non-printable character, forces double quotes: in a
  // literal block kubectl would read U+2028 as a new line, and the next text as new keys.
  for (char32_t c : dangerousCodePoints()) {
    if (c == '\n' || c == '\t') {
      continue;
    }
    const std::string text = "ok" + utf8(c) + "privileged: true\nhostNetwork: true\n";
    const std::string yaml = toYaml(Object{{"v", text}});
    EXPECT_EQ(yaml.rfind("v: \"", 0), 0u) << yaml;
    expectRoundTrip(Object{{"v", text}});
  }
  // A first line that starts with white space would set the block's indentation.
  for (const std::string text : {" lead\nx\n", "\tfirst tab\nx\n", "\nleading break\n"}) {
    EXPECT_EQ(toYaml(Object{{"v", text}}).rfind("v: \"", 0), 0u) << text;
    expectRoundTrip(Object{{"v", text}});
  }
  // Lines of white space, the last one too, are content past the indentation.
  for (const std::string text : {"x\n  ", "x\n\t", "x\ny \n\n", "x\n \n", "x\n  \n\n"}) {
    EXPECT_EQ(toYaml(Object{{"v", text}}).rfind("v: |", 0), 0u) << text;
    expectRoundTrip(Object{{"v", text}});
  }
  // Chomping: none, one and several final line breaks.
  for (const std::string text : {"a\nb", "a\nb\n", "a\nb\n\n\n", "a\n\n\nb", "a\n \nb\n"}) {
    expectRoundTrip(Object{{"v", text}, {"list", Object::array({text, Object{{"k", text}}})}});
  }
}

TEST(YamlWriterSafetyTest, KeysPastTheSimpleKeyLimitAreExplicit) {
  // go-yaml, PyYAML and yaml-cpp refuse a simple key longer than 1,024 characters.
  const std::string longPlain(1500, 'k');
  const std::string longQuoted = std::string(600, 'q') + "\u2028" + std::string(600, ' ');
  for (const std::string& key : {longPlain, longQuoted, std::string(999, 'x')}) {
    const Object value{
        {key, "v"},
        {"nested", Object{{key, Object{{"a", 1}}}, {"list", Object::array({Object{{key, "x"}}})}}},
        {"seq", Object{{key, Object::array({1, "two"})}}},
        {"block", Object{{key, "line\nline\n"}}},
        {"empty", Object{{key, Object::object()}}}};
    expectRoundTrip(value);
  }
  EXPECT_EQ(toYaml(Object{{longPlain, "v"}}), "? " + longPlain + "\n: v\n");
}

TEST(YamlWriterSafetyTest, EveryShapeOfHostileTextRoundTrips) {
  std::vector<std::string> texts = yaml11Scalars();
  for (char32_t c : dangerousCodePoints()) {
    texts.push_back(utf8(c));
    texts.push_back(concat("x", utf8(c), "y\nz\n"));
  }
  texts.insert(texts.end(), {"multi\nline\n", "key: value\n- item\n", "--- x\n...\n", "a\r\nb\n",
                             std::string(2000, 'x'), "\u00a0", "a\u00a0"});
  Object value = Object::object();
  Object list = Object::array();
  for (const std::string& text : texts) {
    value[text] = Object{{"v", text}, {"list", Object::array({text, Object{{text, text}}})}};
    list.push_back(text);
  }
  value["list"] = list;
  expectRoundTrip(value);
}

TEST(YamlWriterSafetyTest, InvalidUtf8IsReplacedTheSameWayInBothOutputs) {
  // Input is validated where it enters; if a stray byte ever reached an object, both outputs
  // would still agree.
  const Object object{{"kind", "ConfigMap"}, {"data", {{"k\xff", "a\xc3\x28z"}}}};
  const auto fromJson = nlohmann::json::parse(toJsonList({object}))["items"][0];
  const auto fromYaml = testing::yamlStreamToJson(toYamlStream({object}));
  ASSERT_EQ(fromYaml.size(), 1u);
  EXPECT_EQ(fromYaml[0], fromJson);
  EXPECT_EQ(fromJson["data"]["k\uFFFD"], "a\uFFFD(z");
}

TEST(Utf8Test, StrictValidation) {
  EXPECT_TRUE(isValidUtf8("plain ascii"));
  EXPECT_TRUE(isValidUtf8("caf\u00e9 \u4e2d \U0001F600 \U0010FFFF \uFFFF"));
  const std::pair<const char*, std::size_t> invalid[] = {
      {"ab\xC0\x80", 2},            // overlong NUL
      {"\xC1\xBF", 0},              // overlong '\x7F'
      {"x\xE0\x80\xAF", 1},         // overlong '/'
      {"\xF0\x80\x80\xAF", 0},      // overlong, four bytes
      {"\xED\xA0\x80", 0},          // surrogate U+D800
      {"\xED\xBF\xBF", 0},          // surrogate U+DFFF
      {"\xF4\x90\x80\x80", 0},      // U+110000
      {"\xF8\x88\x80\x80\x80", 0},  // five bytes
      {"abc\x80", 3},               // stray continuation
      {"\xE4\xB8", 0},              // truncated
      {"\xC3(", 0},                 // a continuation missing
  };
  for (const auto& [text, offset] : invalid) {
    EXPECT_EQ(firstInvalidUtf8(text), std::optional<std::size_t>(offset)) << text;
  }
  EXPECT_EQ(firstInvalidUtf8Line("a\nb\nc\xff\n"), std::optional<int>(3));
}

TEST(Utf8Test, ComposeAndEnvFilesThatAreNotUtf8AreRefusedNamingFileAndLine) {
  Warnings warnings;
  auto project = testing::loadText("services:\n  web:\n    image: x\xC0\xAF\n", warnings);
  ASSERT_FALSE(project);
  EXPECT_EQ(project.error().file, "compose.yaml");
  EXPECT_EQ(project.error().line, 3);
  EXPECT_THAT(project.error().format(), HasSubstr("not valid UTF-8"));

  auto env = testing::loadText("services:\n  web:\n    image: x\n    env_file: app.env\n", warnings,
                               {{"app.env", "A=1\nB=\xED\xA0\x80\n"}});
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().file, "app.env");
  EXPECT_EQ(env.error().line, 2);
  EXPECT_THAT(env.error().format(), HasSubstr("not valid UTF-8"));
  EXPECT_THAT(env.error().format(), Not(HasSubstr("\xED\xA0\x80")));

  auto direct =
      load::parseDotenv("OK=1\nX=\xff\n", "direct.env", testing::lookupFrom({}), false, nullptr);
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().line, 2);
}

TEST(Utf8Test, FileContentsThatAreNotUtf8BecomeBinaryData) {
  const std::string binary("\x89PNG\r\n\x1a\n\x00\xff", 10);  // a PNG header, a NUL
  const std::string text = "caf\u00e9\n";
  auto converted = testing::convertText(
      "services:\n  web:\n    image: x\n    configs: [logo, motd]\n"
      "    volumes: ['./icon.bin:/srv/icon.bin:ro', './hello.txt:/srv/hello.txt:ro']\n"
      "configs:\n  logo:\n    file: ./logo.png\n  motd:\n    file: ./motd.txt\n",
      {}, {{"logo.png", binary}, {"motd.txt", text}, {"icon.bin", binary}, {"hello.txt", text}});
  ASSERT_TRUE(converted.objects) << converted.objects.error().format();
  int binaryMaps = 0;
  int textMaps = 0;
  for (const auto& object : *converted.objects) {
    if (object["kind"] != "ConfigMap") {
      continue;
    }
    const std::string name = object["metadata"]["name"];
    if (object.contains("binaryData")) {
      ++binaryMaps;
      EXPECT_FALSE(object.contains("data")) << name;
      EXPECT_EQ(object["binaryData"].begin().value(), "iVBORw0KGgoA/w==") << name;
    } else {
      ++textMaps;
      EXPECT_EQ(object["data"].begin().value(), text) << name;
    }
    EXPECT_TRUE(isValidUtf8(object.dump())) << name;
  }
  EXPECT_EQ(binaryMaps, 2);
  EXPECT_EQ(textMaps, 2);
}

}  // namespace
}  // namespace cop::emit
