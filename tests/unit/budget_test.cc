// Issue 6, class 2: bounded work by bytes and nodes across a whole load. Each test builds an
// input that a per-file or per-node bound alone would let through (aliases of large scalars,
// variables that double, extends copies, services split across includes, entries merged from
// several files) and checks that the load is refused with the budget's error. Small limits
// keep the tests fast; bench/hostile-inputs runs the same classes at full size through the
// real command.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "operator/common/text.h"
#include "tests/support/test_support.h"

namespace cop {
namespace {

using ::testing::HasSubstr;
using testing::loadText;

load::LoadOptions withLimits(std::size_t maxExpandedBytes, std::size_t maxNodes = 250'000) {
  load::LoadOptions options;
  options.limits.maxExpandedBytes = maxExpandedBytes;
  options.limits.maxNodes = maxNodes;
  return options;
}

TEST(LoadBudget, AliasesAreChargedByTheBytesTheyCopy) {
  // 50 aliases of a 10 KB scalar: 51 nodes, far under any node limit, but 510 KB of text.
  std::string compose = "x-big: &big \"" + std::string(10'000, 'x') + "\"\nx-copies: [";
  for (int i = 0; i < 50; ++i) {
    compose += "*big, ";
  }
  compose += "]\nservices:\n  web:\n    image: nginx\n";
  Warnings warnings;
  auto refused = loadText(compose, warnings, {}, withLimits(256 * 1024));
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("bytes of text"));
  EXPECT_EQ(refused.error().file, "compose.yaml");
  // The same file within a larger budget loads: the bound is what refuses it.
  EXPECT_TRUE(loadText(compose, warnings, {}, withLimits(1024 * 1024)));
}

TEST(LoadBudget, AliasesAreChargedByTheNodesTheyCopy) {
  std::string compose = "x-list: &list [a, b, c, d, e, f, g, h, i, j]\nx-copies: [";
  for (int i = 0; i < 100; ++i) {
    compose += "*list, ";
  }
  compose += "]\nservices:\n  web:\n    image: nginx\n";
  Warnings warnings;
  auto refused = loadText(compose, warnings, {}, withLimits(1024 * 1024, 500));
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("YAML nodes"));
}

TEST(LoadBudget, EnvFileVariablesThatDoubleStopAtTheValueLimit) {
  std::string dotenv = "V0=" + std::string(64, 'x') + "\n";
  for (int i = 1; i < 40; ++i) {
    const std::string prev = std::to_string(i - 1);
    dotenv += concat("V", std::to_string(i), "=${V", prev, "}${V", prev, "}\n");
  }
  Warnings warnings;
  auto refused = loadText("services:\n  web:\n    image: nginx\n", warnings, {{".env", dotenv}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().file, ".env");
  EXPECT_GT(refused.error().line, 1);
  EXPECT_THAT(refused.error().message,
              ::testing::AnyOf(HasSubstr("by variable substitution"), HasSubstr("bytes of text")));
}

TEST(LoadBudget, InterpolatedValuesAreChargedToTheWholeLoad) {
  // Each value is small in the file and 20 KB once interpolated; 40 of them are 800 KB.
  std::string compose = "services:\n";
  for (int i = 0; i < 40; ++i) {
    compose += concat("  s", std::to_string(i),
                      ":\n    image: nginx\n    environment:\n      BIG: ${BIG}\n");
  }
  Warnings warnings;
  auto refused = loadText(compose, warnings, {{".env", "BIG=" + std::string(20'000, 'y') + "\n"}},
                          withLimits(256 * 1024));
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("interpolation"));
  EXPECT_THAT(refused.error().path, HasSubstr(".environment.BIG"));
}

TEST(LoadBudget, ExtendsCopiesAreCharged) {
  std::string base = "services:\n  base:\n    image: nginx\n    environment:\n";
  for (int i = 0; i < 200; ++i) {
    base += concat("      K", std::to_string(i), ": ", std::string(40, 'v'), "\n");
  }
  std::string compose = "services:\n";
  for (int i = 0; i < 100; ++i) {
    compose +=
        concat("  s", std::to_string(i), ":\n    extends: {file: base.yaml, service: base}\n");
  }
  Warnings warnings;
  auto refused = loadText(compose, warnings, {{"base.yaml", base}}, withLimits(256 * 1024));
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("extends copies"));
  EXPECT_THAT(refused.error().path, HasSubstr(".extends"));
  // A few users of the same base are fine: the base file is read once, not once per user.
  std::string few = "services:\n";
  for (int i = 0; i < 3; ++i) {
    few += concat("  s", std::to_string(i), ":\n    extends: {file: base.yaml, service: base}\n");
  }
  auto loaded = loadText(few, warnings, {{"base.yaml", base}}, withLimits(256 * 1024));
  ASSERT_TRUE(loaded) << loaded.error().format();
  EXPECT_EQ(loaded->services.size(), 3u);
}

TEST(LoadBudget, TheServiceLimitCountsIncludedServices) {
  auto part = [](const std::string& prefix) {
    return "services:\n  " + prefix + "1:\n    image: nginx\n  " + prefix +
           "2:\n    image: nginx\n";
  };
  load::LoadOptions options;
  options.limits.maxServices = 3;  // each file has 2, the stack 4
  Warnings warnings;
  auto refused = loadText("include:\n  - a.yaml\n  - b.yaml\n", warnings,
                          {{"a.yaml", part("a")}, {"b.yaml", part("b")}}, options);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("4 services across its files and includes"));
  options.limits.maxServices = 4;
  EXPECT_TRUE(loadText("include:\n  - a.yaml\n  - b.yaml\n", warnings,
                       {{"a.yaml", part("a")}, {"b.yaml", part("b")}}, options));
}

TEST(LoadBudget, TheServiceLimitCountsServicesOfOverrideFiles) {
  load::LoadOptions options;
  options.limits.maxServices = 2;
  options.files = {"compose.yaml", "override.yaml"};
  Warnings warnings;
  auto refused = loadText("services:\n  a:\n    image: x\n  b:\n    image: x\n", warnings,
                          {{"override.yaml", "services:\n  c:\n    image: x\n"}}, options);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("3 services"));
}

TEST(LoadBudget, EntriesOfOneFieldAreBoundedAfterMerging) {
  load::LoadOptions options;
  options.limits.maxEntries = 10;
  options.files = {"compose.yaml", "override.yaml"};
  std::string base = "services:\n  web:\n    image: x\n    labels:\n";
  std::string over = "services:\n  web:\n    labels:\n";
  for (int i = 0; i < 6; ++i) {
    base += concat("      a", std::to_string(i), ": v\n");
    over += concat("      b", std::to_string(i), ": v\n");
  }
  Warnings warnings;
  auto refused = loadText(base, warnings, {{"override.yaml", over}}, options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().path, "services.web.labels");
  EXPECT_THAT(refused.error().message, HasSubstr("12 entries"));
}

TEST(LoadBudget, EntriesFromEnvFilesCountToo) {
  load::LoadOptions options;
  options.limits.maxEntries = 10;
  std::string envFile;
  for (int i = 0; i < 11; ++i) {
    envFile += concat("E", std::to_string(i), "=v\n");
  }
  Warnings warnings;
  auto refused = loadText("services:\n  web:\n    image: x\n    env_file: app.env\n", warnings,
                          {{"app.env", envFile}}, options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().path, "services.web.environment");
  EXPECT_THAT(refused.error().message, HasSubstr("11 entries with its files"));
}

TEST(LoadBudget, EveryFileReadIsCharged) {
  // One 10 KB env file named by 60 services: 600 KB read.
  std::string compose = "services:\n";
  for (int i = 0; i < 60; ++i) {
    compose += concat("  s", std::to_string(i), ":\n    image: x\n    env_file: app.env\n");
  }
  std::string envFile = "# " + std::string(10'000, 'c') + "\nA=1\n";
  Warnings warnings;
  auto refused = loadText(compose, warnings, {{"app.env", envFile}}, withLimits(256 * 1024));
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("files read"));
}

TEST(LoadBudget, MergesKeepOrderAndLastValuesThroughTheirIndexes) {
  // The merge indexes must not change what a merge means: base keys keep their place, the
  // override's value wins, new keys follow; ports merge by their unique key.
  load::LoadOptions options;
  options.files = {"compose.yaml", "override.yaml"};
  Warnings warnings;
  auto loaded = loadText(
      "services:\n  web:\n    image: x\n    labels: {a: '1', b: '2'}\n"
      "    environment: [A=1, B=2]\n    ports: ['8080:80', '9090:90']\n",
      warnings,
      {{"override.yaml",
        "services:\n  web:\n    labels: {b: '3', c: '4'}\n    environment: [B=5, C=6]\n"
        "    ports: ['8081:80', '9090:90']\n"}},
      options);
  ASSERT_TRUE(loaded) << loaded.error().format();
  const load::Service& web = loaded->services.front();
  EXPECT_EQ(web.labels.at("a"), "1");
  EXPECT_EQ(web.labels.at("b"), "3");
  EXPECT_EQ(web.labels.at("c"), "4");
  ASSERT_EQ(web.environment.size(), 3u);
  EXPECT_EQ(web.environment[1], (std::pair<std::string, std::string>{"B", "5"}));
  ASSERT_EQ(web.ports.size(), 3u);  // 8080:80, 9090:90 (the same key, once), 8081:80
}

}  // namespace
}  // namespace cop
