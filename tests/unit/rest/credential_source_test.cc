// Credential sources (kube-runtime.md §6.2, §6.3; client-go transport/token_source.go).

#include "operator/client/credential_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "tests/unit/rest/scripted_transport.h"

namespace cop::client {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeClock;
using ::testing::HasSubstr;
using ::testing::Not;

// Files that can change and disappear between reads; counts the reads.
class ChangingFiles final : public FileReader {
 public:
  Expected<std::string, FileError> read(const std::string& path) const override {
    ++reads;
    const auto found = files.find(path);
    if (found == files.end()) {
      return Unexpected(FileError{FileFailure::kNotFound, "\"" + path + "\": not found"});
    }
    return found->second;
  }
  std::map<std::string, std::string> files;
  mutable int reads = 0;
};

class FakeExecRunner final : public ExecRunner {
 public:
  Result<ExecOutcome> run(const ExecInvocation&) const override {
    ++runs;
    return ExecOutcome{false, 0, stdoutText};
  }
  std::string stdoutText;
  mutable int runs = 0;
};

constexpr const char* kPath = "/var/run/token";

TEST(StaticToken, AlwaysTheSame) {
  StaticTokenSource source("abc");
  auto token = source.token();
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->token, "abc");
  source.onUnauthorized(token->generation);
  EXPECT_EQ(source.token()->generation, token->generation);
}

TEST(TokenFile, ReadsTheTrimmedFileAndCachesIt) {
  ChangingFiles files;
  files.files[kPath] = "  first\n";
  FakeClock clock;
  TokenFileSource source(kPath, files, clock);
  auto token = source.token();
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->token, "first");
  files.files[kPath] = "second";
  clock.advance(seconds(49));
  EXPECT_EQ(source.token()->token, "first") << "re-read too early";
  EXPECT_EQ(files.reads, 1);
}

TEST(TokenFile, ReReadsAfterTheRefreshPeriod) {
  ChangingFiles files;
  files.files[kPath] = "first";
  FakeClock clock;
  TokenFileSource source(kPath, files, clock);
  const auto first = source.token();
  files.files[kPath] = "second";
  clock.advance(seconds(60));
  const auto second = source.token();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->token, "second");
  EXPECT_NE(second->generation, first->generation);
}

TEST(TokenFile, A401ForTheTokenInUseDropsIt) {
  ChangingFiles files;
  files.files[kPath] = "first";
  FakeClock clock;
  TokenFileSource source(kPath, files, clock);
  const auto first = source.token();
  files.files[kPath] = "rotated";
  source.onUnauthorized(first->generation);
  const auto second = source.token();
  EXPECT_EQ(second->token, "rotated") << "dropped at once, not after 60 s";
  EXPECT_NE(second->generation, first->generation);
}

TEST(TokenFile, A401ForAnOlderTokenKeepsTheCurrentOne) {
  ChangingFiles files;
  files.files[kPath] = "first";
  FakeClock clock;
  TokenFileSource source(kPath, files, clock);
  const auto first = source.token();
  files.files[kPath] = "second";
  clock.advance(seconds(60));
  const auto second = source.token();
  const int reads = files.reads;
  source.onUnauthorized(first->generation);  // a slow request that used the old token
  EXPECT_EQ(source.token()->token, "second");
  EXPECT_EQ(files.reads, reads);
}

TEST(TokenFile, AFailedReReadKeepsTheLastGoodToken) {
  ChangingFiles files;
  files.files[kPath] = "good";
  FakeClock clock;
  TokenFileSource source(kPath, files, clock);
  ASSERT_TRUE(source.token().has_value());
  files.files.erase(kPath);
  clock.advance(seconds(60));
  auto kept = source.token();
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->token, "good");
  files.files[kPath] = "   \n";  // empty: the kubelet is mid-write
  clock.advance(seconds(60));
  EXPECT_EQ(source.token()->token, "good");
  files.files[kPath] = "new";
  EXPECT_EQ(source.token()->token, "new") << "a failed re-read is retried at the next request";
}

TEST(TokenFile, AMissingFileIsAnErrorNamingThePath) {
  ChangingFiles files;
  FakeClock clock;
  TokenFileSource source(kPath, files, clock);
  auto token = source.token();
  ASSERT_FALSE(token.has_value());
  EXPECT_THAT(token.error().message, HasSubstr(kPath));
}

ExecConfig execConfig() {
  ExecConfig exec;
  exec.apiVersion = "client.authentication.k8s.io/v1";
  exec.command = "get-token";
  exec.interactiveMode = InteractiveMode::kNever;
  return exec;
}

TEST(ExecToken, GivesThePluginsTokenAndRerunsAfterA401) {
  FakeExecRunner runner;
  runner.stdoutText = R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
                      R"("status":{"token":"from-plugin"}})";
  FakeClock clock;
  ExecTokenSource source(std::make_unique<ExecCredentialSource>(
      execConfig(), ExecClusterInfo{}, std::vector<std::pair<std::string, std::string>>{}, runner,
      clock));
  auto token = source.token();
  ASSERT_TRUE(token.has_value()) << token.error().message;
  EXPECT_EQ(token->token, "from-plugin");
  EXPECT_EQ(source.token()->generation, token->generation);
  EXPECT_EQ(runner.runs, 1);
  source.onUnauthorized(token->generation);
  EXPECT_NE(source.token()->generation, token->generation);
  EXPECT_EQ(runner.runs, 2);
}

TEST(ExecToken, AClientCertificateIsRefusedClearly) {
  FakeExecRunner runner;
  runner.stdoutText =
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{)"
      R"("clientCertificateData":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",)"
      R"("clientKeyData":"-----BEGIN PRIVATE KEY-----\nSECRETKEY\n-----END PRIVATE KEY-----\n"}})";
  FakeClock clock;
  ExecTokenSource source(std::make_unique<ExecCredentialSource>(
      execConfig(), ExecClusterInfo{}, std::vector<std::pair<std::string, std::string>>{}, runner,
      clock));
  auto token = source.token();
  ASSERT_FALSE(token.has_value());
  EXPECT_THAT(token.error().message, HasSubstr("client certificate"));
  EXPECT_THAT(token.error().message, HasSubstr("not supported"));
  EXPECT_THAT(token.error().message, Not(HasSubstr("SECRETKEY")));
}

struct Factory : ::testing::Test {
  ChangingFiles files;
  FakeClock clock;
  FakeExecRunner runner;
  CredentialContext context{files, clock, runner, {}, false};
};

TEST_F(Factory, ExecComesFirstThenTokenFileThenToken) {
  runner.stdoutText = R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
                      R"("status":{"token":"exec"}})";
  files.files[kPath] = "file";
  RestConfig config;
  config.bearerToken = "static";
  config.tokenFile = kPath;
  config.exec = execConfig();
  auto fromExec = credentialSourceFor(config, context);
  ASSERT_TRUE(fromExec.has_value());
  EXPECT_EQ((*fromExec)->token()->token, "exec");
  config.exec.reset();
  EXPECT_EQ((*credentialSourceFor(config, context))->token()->token, "file");
  config.tokenFile.clear();
  EXPECT_EQ((*credentialSourceFor(config, context))->token()->token, "static");
  config.bearerToken.clear();
  auto none = credentialSourceFor(config, context);
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(*none, nullptr);
}

}  // namespace
}  // namespace cop::client
