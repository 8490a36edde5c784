// Issue 6, class 4: messages never leak. Errors and warnings name the file, line and field;
// they never quote a substituted value (a password planted in .env must not come back in any
// message), they quote other values only as short excerpts, and every message is one
// printable line. The file and line are those of the value, in overrides, extends files and
// included files too.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "operator/common/message_text.h"
#include "tests/support/test_support.h"

namespace cop {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecret = "hunter2-Sup3rS3cret";

TEST(MessageText, PrintableEscapesEverythingThatBreaksALine) {
  const std::string text = std::string("a\nb\rc\td\x01") + "\x7f" + "\u0085" + "\u2028" + "\u2029" +
                           "\ufeff" + "\xff" + "\xc0\xaf" + "é";
  const std::string shown = printable(text);
  EXPECT_EQ(shown, "a\\nb\\rc\\td\\x01\\x7f\\u0085\\u2028\\u2029\\ufeff\\xff\\xc0\\xafé");
}

TEST(MessageText, ExcerptsAreShortAndCutOnACharacterBoundary) {
  const std::string longText = std::string(kMaxExcerptBytes - 1, 'a') + "é" + "tail";
  const std::string shown = excerpt(longText);
  EXPECT_EQ(shown, std::string(kMaxExcerptBytes - 1, 'a') + "...");
  EXPECT_EQ(excerpt("short"), "short");
}

TEST(MessageText, RedactionNamesTheVariableLongestValueFirst) {
  EXPECT_EQ(redactValues("bad value 'abcd-efgh' and 'abcd'", {{"A", "abcd"}, {"B", "abcd-efgh"}}),
            "bad value '${B}' and '${A}'");
  EXPECT_EQ(redactValues("port 80", {{"P", "80"}}), "port 80");  // too short to be a secret
  // A part of a value that a parser quoted is redacted too.
  EXPECT_EQ(redactValues("'hunter2' is not a port number", {{"PW", "hunter2-xyz"}}),
            "'${PW}' is not a port number");
}

TEST(Diagnostics, AFormattedDiagnosticIsOneLine) {
  Diagnostic d{"bad\nvalue\u2028injected: true", "dir/evil\nname.yaml", 3, "services.web\rx"};
  const std::string line = d.format();
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_EQ(line.find("\u2028"), std::string::npos);
  EXPECT_THAT(line, HasSubstr("evil\\nname.yaml:3"));
}

// Every error below puts the planted secret (from .env) where a message would naturally quote
// it. None may contain it; each must name the variable, the file and the field instead.
TEST(Diagnostics, ErrorsNeverQuoteASubstitutedValue) {
  struct Case {
    std::string compose;
    std::string path;
  };
  const std::vector<Case> cases = {
      {"services:\n  web:\n    image: x\n    deploy:\n      replicas: ${DB_PASSWORD}\n",
       "services.web.deploy.replicas"},
      {"services:\n  web:\n    image: x\n    ports: ['${DB_PASSWORD}']\n", "services.web.ports[0]"},
      {"services:\n  web:\n    image: x\n    command: \"run '${DB_PASSWORD}\"\n",
       "services.web.command"},
      {"services:\n  web:\n    image: x\n    ports: ${DB_PASSWORD}\n", "services.web.ports"},
      {"services:\n  web:\n    image: x\n    volumes: ['${DB_PASSWORD}']\n",
       "services.web.volumes[0]"},
      {"services:\n  web:\n    image: x\n    extra_hosts: ['${DB_PASSWORD}']\n",
       "services.web.extra_hosts[0]"},
      {"services:\n  web:\n    image: x\n    mem_limit: ${DB_PASSWORD}\n",
       "services.web.mem_limit"},
      {"services:\n  web:\n    image: x\n    stop_grace_period: ${DB_PASSWORD}\n",
       "services.web.stop_grace_period"},
      {"services:\n  web:\n    image: x\n    restart: ${DB_PASSWORD}\n", "services.web.restart"},
      {"services:\n  web:\n    image: x\n    user: ${DB_PASSWORD}\n", ""},
      {"services:\n  web:\n    image: x\n    environment:\n      X: ${NOPE:?${DB_PASSWORD}}\n",
       "services.web.environment.X"},
  };
  for (const Case& c : cases) {
    const auto converted = testing::convertText(
        c.compose, {}, {{".env", std::string("DB_PASSWORD=") + kSecret + "\n"}});
    const std::string warnings = testing::joinWarnings(converted.warnings);
    EXPECT_THAT(warnings, Not(HasSubstr(kSecret))) << c.compose;
    if (converted.objects) {
      continue;  // accepted (e.g. a group name in user): the warnings were checked
    }
    const Error& error = converted.objects.error();
    EXPECT_THAT(error.format(), Not(HasSubstr(kSecret))) << c.compose;
    EXPECT_THAT(error.format(), Not(HasSubstr("Sup3r"))) << c.compose;
    EXPECT_THAT(error.format(), Not(HasSubstr("hunter2"))) << c.compose;  // not even a part
    EXPECT_EQ(error.file, "compose.yaml") << c.compose;
    EXPECT_GT(error.line, 1) << c.compose;
    if (!c.path.empty()) {
      EXPECT_EQ(error.path, c.path) << c.compose;
    }
  }
}

// A credential written literally in the file has no variable to name; it is still never quoted
// when its shape gives it away.
TEST(Diagnostics, LiteralCredentialsAreRedactedByTheirShape) {
  const std::vector<std::string> cases = {
      "services:\n  web:\n    image: x\n    deploy:\n      replicas: "
      "'redis://:S3cretPw9@cache:6379'\n",
      "services:\n  web:\n    image: x\n    deploy:\n      replicas: "
      "ghp_S3cretPw9abcdefghijklmnopqrstuvwxyz12\n",
  };
  for (const std::string& compose : cases) {
    const auto converted = testing::convertText(compose);
    ASSERT_FALSE(converted.objects) << compose;
    const std::string line = converted.objects.error().format();
    EXPECT_THAT(line, Not(HasSubstr("S3cretPw9"))) << line;
    EXPECT_THAT(line, HasSubstr("<redacted: ")) << line;
  }
}

TEST(Diagnostics, LongValuesAreQuotedOnlyAsExcerpts) {
  Warnings warnings;
  auto loaded = testing::loadText(
      "services:\n  web:\n    image: x\n    ports: '" + std::string(5000, '9') + "'\n", warnings);
  ASSERT_FALSE(loaded);
  EXPECT_LT(loaded.error().format().size(), 400u) << loaded.error().format();
}

TEST(Diagnostics, NameTheFileAndLineThatHoldTheValue) {
  load::LoadOptions options;
  options.files = {"compose.yaml", "override.yaml"};
  Warnings warnings;
  auto fromOverride = testing::loadText(
      "services:\n  web:\n    image: x\n", warnings,
      {{"override.yaml", "services:\n  web:\n\n    ports: ['99999:80']\n"}}, options);
  ASSERT_FALSE(fromOverride);
  EXPECT_EQ(fromOverride.error().file, "override.yaml");
  EXPECT_EQ(fromOverride.error().line, 4);

  auto fromExtends = testing::loadText(
      "services:\n  web:\n    extends: {file: base.yaml, service: base}\n", warnings,
      {{"base.yaml", "services:\n  base:\n    image: x\n\n    ports: ['99999:80']\n"}});
  ASSERT_FALSE(fromExtends);
  EXPECT_EQ(fromExtends.error().file, "base.yaml");
  EXPECT_EQ(fromExtends.error().line, 5);

  auto fromInclude = testing::loadText(
      "include:\n  - inc/inc.yaml\nservices:\n  web:\n    image: x\n", warnings,
      {{"inc/inc.yaml", "services:\n  other:\n    image: x\n    ports: ['99999:80']\n"}});
  ASSERT_FALSE(fromInclude);
  EXPECT_EQ(fromInclude.error().file, "inc/inc.yaml");
  EXPECT_EQ(fromInclude.error().line, 4);
}

}  // namespace
}  // namespace cop
