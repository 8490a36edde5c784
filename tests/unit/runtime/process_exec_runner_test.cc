#include "operator/client/process_exec_runner.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace cop::client {
namespace {

namespace fs = std::filesystem;

class ProcessExecRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cop-exec-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string script(const std::string& name, const std::string& body) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(path, fs::perms::owner_all);
    return path.string();
  }
  static ExecInvocation invocation(std::string command) {
    ExecInvocation inv;
    inv.command = std::move(command);
    inv.env = {{"PATH", "/usr/bin:/bin"}};
    return inv;
  }
  static std::size_t openFds() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd"))
      ++n;
    return n;
  }
  fs::path dir_;
};

TEST_F(ProcessExecRunnerTest, CapturesTokenJson) {
  const auto cmd = script("ok", "echo '{\"status\":{\"token\":\"t0k\"}}'");
  auto out = ProcessExecRunner().run(invocation(cmd));
  ASSERT_TRUE(out.has_value());
  EXPECT_FALSE(out->notFound);
  EXPECT_EQ(out->exitStatus, 0);
  EXPECT_EQ(out->stdoutText, "{\"status\":{\"token\":\"t0k\"}}\n");
}

TEST_F(ProcessExecRunnerTest, ReportsNonZeroExit) {
  auto out = ProcessExecRunner().run(invocation(script("bad", "exit 3")));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->exitStatus, 3);
}

TEST_F(ProcessExecRunnerTest, ReportsNotFound) {
  auto out = ProcessExecRunner().run(invocation((dir_ / "missing").string()));
  ASSERT_TRUE(out.has_value());
  EXPECT_TRUE(out->notFound);
}

TEST_F(ProcessExecRunnerTest, OversizedOutputIsAnErrorWithoutTheOutput) {
  const auto cmd =
      script("big", "i=0; while [ $i -lt 100 ]; do echo SECRETSECRET; i=$((i+1)); done");
  auto out = ProcessExecRunner(kExecDefaultTimeout, 64).run(invocation(cmd));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().message.find("SECRET"), std::string::npos);
}

TEST_F(ProcessExecRunnerTest, TimeoutKillsThePlugin) {
  const auto cmd = script("slow", "sleep 5");
  auto out = ProcessExecRunner(std::chrono::milliseconds(200)).run(invocation(cmd));
  ASSERT_FALSE(out.has_value());
  EXPECT_NE(out.error().message.find("timed out"), std::string::npos);
}

TEST_F(ProcessExecRunnerTest, PassesTheExactEnvironmentAndArgs) {
  const auto cmd = script("env", "printf '%s|%s|%s' \"$KUBERNETES_EXEC_INFO\" \"$HOME\" \"$1\"");
  auto inv = invocation(cmd);
  inv.args = {"arg1"};
  inv.env.emplace_back("KUBERNETES_EXEC_INFO", "{}");
  auto out = ProcessExecRunner().run(inv);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->stdoutText, "{}||arg1");
}

TEST_F(ProcessExecRunnerTest, StdinIsDevNullWhenNotInteractive) {
  auto out = ProcessExecRunner().run(invocation(script("in", "cat; echo done")));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->stdoutText, "done\n");
}

TEST_F(ProcessExecRunnerTest, LeaksNoFd) {
  const auto before = openFds();
  (void)ProcessExecRunner().run(invocation(script("ok", "echo x")));
  (void)ProcessExecRunner(std::chrono::milliseconds(100)).run(invocation(script("s", "sleep 5")));
  (void)ProcessExecRunner().run(invocation((dir_ / "missing").string()));
  EXPECT_EQ(openFds(), before);
}

}  // namespace
}  // namespace cop::client
