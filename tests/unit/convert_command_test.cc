// The convert command in-process: arguments, exit codes, where output and warnings go.

#include "operator/cli/convert_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cop::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class ConvertCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cop-convert-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& content) {
    const auto path = dir_ / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << content;
    return path.string();
  }

  int run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    out_.str("");
    err_.str("");
    return runConvert(args, env, out_, err_);
  }

  std::filesystem::path dir_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(ConvertCommandTest, WritesYamlAndWarningsSeparately) {
  const std::string file =
      write("compose.yaml",
            "services:\n  web:\n    image: nginx\n    init: true\n    stop_signal: SIGINT\n"
            "    logging: {driver: syslog}\n");
  EXPECT_EQ(run({"-f", file}), kExitOk);
  EXPECT_THAT(out_.str(), StartsWith("---\napiVersion: v1\nkind: ServiceAccount\n"));
  EXPECT_THAT(err_.str(), StartsWith("warning: "));
  EXPECT_THAT(err_.str(), HasSubstr("services.web.init"));
  // Every line of stderr is a warning (one stream, read to its end).
  std::istringstream lines(err_.str());
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    EXPECT_THAT(line, StartsWith("warning: ")) << "line " << count + 1;
  }
  EXPECT_EQ(count, 3);  // init, stop_signal, logging: one line each
}

TEST_F(ConvertCommandTest, JsonOutputNamespaceAndProfile) {
  const std::string file = write(
      "compose.yaml",
      "services:\n  web:\n    image: nginx\n  dbg:\n    image: busybox\n    profiles: [debug]\n");
  EXPECT_EQ(run({"-f", file, "-o", "json", "--namespace", "shop", "--profile", "debug"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("\"kind\": \"List\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"namespace\": \"shop\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"name\": \"dbg\""));
}

TEST_F(ConvertCommandTest, ProcessEnvironmentWinsOverEnvFile) {
  const std::string file = write("compose.yaml", "services:\n  web:\n    image: nginx:${TAG}\n");
  write(".env", "TAG=from-dotenv\n");
  EXPECT_EQ(run({"-f", file}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("image: nginx:from-dotenv"));
  EXPECT_EQ(run({"-f", file}, {{"TAG", "from-shell"}}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("image: nginx:from-shell"));
}

TEST_F(ConvertCommandTest, InputErrorsExitOneAndNameTheField) {
  const std::string file =
      write("compose.yaml", "services:\n  tool:\n    image: x\n    privileged: true\n");
  EXPECT_EQ(run({"-f", file}), kExitInputError);
  EXPECT_EQ(out_.str(), "");
  EXPECT_THAT(err_.str(), HasSubstr("compose.yaml:4: services.tool.privileged:"));
  EXPECT_EQ(run({"-f", (dir_ / "missing.yaml").string()}), kExitInputError);
  EXPECT_THAT(err_.str(), HasSubstr("missing.yaml"));
}

TEST_F(ConvertCommandTest, UsageErrorsExitTwo) {
  EXPECT_EQ(run({"--bogus"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("unknown argument '--bogus'"));
  EXPECT_EQ(run({"-f"}), kExitUsage);
  EXPECT_EQ(run({"-f", "x", "-o", "xml"}), kExitUsage);
  EXPECT_EQ(run({"-f", "x", "--image", "noequals"}), kExitUsage);
  EXPECT_EQ(run({"-f", "x", "--security-profile", "lax"}), kExitUsage);
  EXPECT_EQ(run({"--help"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("usage:"));
}

TEST_F(ConvertCommandTest, ImageFlagSuppliesBuildOnlyServices) {
  const std::string file = write("compose.yaml", "services:\n  app:\n    build: .\n");
  EXPECT_EQ(run({"-f", file}), kExitInputError);
  EXPECT_EQ(run({"-f", file, "--image", "app=registry.example/app:1"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("image: registry.example/app:1"));
}

}  // namespace
}  // namespace cop::cli
