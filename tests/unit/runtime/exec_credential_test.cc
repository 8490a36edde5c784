// The exec credential protocol: request, response, expiry and caching (kube-runtime.md §6.3;
// checklist §10 item 16, its exec part). The plugin runner and the clock are fakes.

#include "operator/client/exec_credential.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "operator/client/exec_credential_source.h"
#include "operator/common/base64.h"

namespace cop::client {
namespace {

using std::chrono::system_clock;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kV1 = "client.authentication.k8s.io/v1";
constexpr const char* kSecretToken = "exec-s3cr3t-token";

ExecConfig execConfig() {
  ExecConfig exec;
  exec.apiVersion = kV1;
  exec.command = "get-token";
  exec.args = {"--cluster", "prod"};
  exec.env = {{"PROFILE", "prod"}, {"HOME", "/plugin-home"}};
  exec.installHint = "apt-get install get-token";
  exec.interactiveMode = InteractiveMode::kNever;
  return exec;
}

std::string response(const std::string& status, const std::string& apiVersion = kV1) {
  return R"({"apiVersion":")" + apiVersion + R"(","kind":"ExecCredential","status":)" + status +
         "}";
}

std::string tokenResponse(const std::string& token, const std::string& expiry = "") {
  std::string status = R"({"token":")" + token + "\"";
  if (!expiry.empty()) {
    status += R"(,"expirationTimestamp":")" + expiry + "\"";
  }
  return response(status + "}");
}

class FakeClock final : public Clock {
 public:
  system_clock::time_point now() const override { return now_; }
  void set(system_clock::time_point t) { now_ = t; }
  void advance(system_clock::duration d) { now_ += d; }

 private:
  system_clock::time_point now_ = *parseRfc3339("2026-01-01T00:00:00Z");
};

class FakeRunner final : public ExecRunner {
 public:
  Result<ExecOutcome> run(const ExecInvocation& invocation) const override {
    ++runs;
    last = invocation;
    if (outputs.empty()) {
      return ExecOutcome{false, 0, tokenResponse("default")};
    }
    ExecOutcome outcome = outputs.front();
    if (outputs.size() > 1) {
      outputs.erase(outputs.begin());
    }
    return outcome;
  }
  mutable int runs = 0;
  mutable ExecInvocation last;
  mutable std::vector<ExecOutcome> outputs;
};

std::string envValue(const ExecInvocation& inv, const std::string& name) {
  for (const auto& [key, value] : inv.env) {
    if (key == name) {
      return value;
    }
  }
  return "<unset>";
}

TEST(ExecRequestTest, WithoutClusterInfo) {
  ExecConfig exec = execConfig();
  const auto json = nlohmann::json::parse(execRequestJson(exec, {}, false));
  EXPECT_EQ(json, nlohmann::json::parse(R"({"apiVersion":"client.authentication.k8s.io/v1",
      "kind":"ExecCredential","spec":{"interactive":false}})"));
}

TEST(ExecRequestTest, ProvideClusterInfoSendsTheCluster) {
  ExecConfig exec = execConfig();
  exec.provideClusterInfo = true;
  ExecClusterInfo cluster{"https://api:6443", "api.internal", true, "CA-PEM", "http://proxy"};
  const auto json = nlohmann::json::parse(execRequestJson(exec, cluster, true));
  EXPECT_EQ(json["spec"]["interactive"], true);
  const auto& c = json["spec"]["cluster"];
  EXPECT_EQ(c["server"], "https://api:6443");
  EXPECT_EQ(c["tls-server-name"], "api.internal");
  EXPECT_EQ(c["insecure-skip-tls-verify"], true);
  EXPECT_EQ(c["certificate-authority-data"], base64Encode("CA-PEM"));
  EXPECT_EQ(c["proxy-url"], "http://proxy");
}

TEST(ExecInvocationTest, EnvironmentIsParentThenExecEnvThenExecInfo) {
  ExecConfig exec = execConfig();
  auto inv = buildExecInvocation(exec, {}, {{"HOME", "/root"}, {"PATH", "/bin"}}, false);
  ASSERT_TRUE(inv) << inv.error().format();
  EXPECT_EQ(inv->command, "get-token");
  EXPECT_EQ(inv->args, (std::vector<std::string>{"--cluster", "prod"}));
  EXPECT_EQ(envValue(*inv, "HOME"), "/plugin-home");
  EXPECT_EQ(envValue(*inv, "PATH"), "/bin");
  EXPECT_EQ(envValue(*inv, "PROFILE"), "prod");
  const auto info = nlohmann::json::parse(envValue(*inv, kExecInfoEnvVar));
  EXPECT_EQ(info["kind"], "ExecCredential");
  EXPECT_EQ(info["spec"]["interactive"], false);
  EXPECT_EQ(inv->env.size(), 4u);  // HOME replaced in place, not duplicated
}

TEST(ExecInvocationTest, InteractiveModes) {
  ExecConfig exec = execConfig();
  exec.interactiveMode = InteractiveMode::kNever;
  EXPECT_FALSE(buildExecInvocation(exec, {}, {}, true)->interactive);
  exec.interactiveMode = InteractiveMode::kIfAvailable;
  EXPECT_TRUE(buildExecInvocation(exec, {}, {}, true)->interactive);
  EXPECT_FALSE(buildExecInvocation(exec, {}, {}, false)->interactive);
  auto info =
      nlohmann::json::parse(envValue(*buildExecInvocation(exec, {}, {}, true), kExecInfoEnvVar));
  EXPECT_EQ(info["spec"]["interactive"], true);
  exec.interactiveMode = InteractiveMode::kAlways;
  EXPECT_TRUE(buildExecInvocation(exec, {}, {}, true)->interactive);
  auto refused = buildExecInvocation(exec, {}, {}, false);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("Always"));
}

TEST(ExecResponseTest, TokenWithExpiry) {
  auto cred =
      parseExecCredential(tokenResponse(kSecretToken, "2026-01-01T01:00:00Z"), execConfig());
  ASSERT_TRUE(cred) << cred.error().format();
  EXPECT_EQ(cred->token, kSecretToken);
  EXPECT_EQ(cred->expiration, parseRfc3339("2026-01-01T01:00:00Z"));
}

TEST(ExecResponseTest, ClientCertificateAndKey) {
  auto cred = parseExecCredential(
      response(R"({"clientCertificateData":"CERT","clientKeyData":"KEY"})"), execConfig());
  ASSERT_TRUE(cred) << cred.error().format();
  EXPECT_EQ(cred->clientCertificatePem, "CERT");
  EXPECT_EQ(cred->clientKeyPem, "KEY");
  EXPECT_FALSE(cred->expiration);
}

TEST(ExecResponseTest, RejectsMalformedResponsesWithoutQuotingThem) {
  struct Case {
    std::string output;
    std::string path;
  };
  const std::string t = kSecretToken;
  const std::vector<Case> cases = {
      {"not json " + t, ""},
      {"[\"" + t + "\"]", ""},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"Other","status":{"token":")" + t +
           "\"}}",
       "kind"},
      {response(R"({"token":")" + t + "\"}", "client.authentication.k8s.io/v1beta1"), "apiVersion"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"})", "status"},
      {response("{}"), "status"},
      {response(R"({"token":")" + t + R"(","clientCertificateData":"CERT"})"),
       "status.clientKeyData"},
      {response(R"({"clientKeyData":")" + t + "\"}"), "status.clientCertificateData"},
      {response(R"({"token":[")" + t + "\"]}"), "status.token"},
      {tokenResponse(t, "tomorrow"), "status.expirationTimestamp"},
      {"{\"token\":\"" + t + "\", broken", ""},
  };
  for (const Case& c : cases) {
    auto cred = parseExecCredential(c.output, execConfig());
    ASSERT_FALSE(cred) << c.output;
    EXPECT_EQ(cred.error().path, c.path) << c.output;
    EXPECT_THAT(cred.error().format(), HasSubstr("get-token"));
    EXPECT_THAT(cred.error().format(), Not(HasSubstr(kSecretToken))) << cred.error().format();
  }
}

TEST(Rfc3339Test, ParsesZuluFractionsAndOffsets) {
  using namespace std::chrono;
  const auto base = sys_days{year{2026} / 11 / 24} + hours{13} + minutes{57} + seconds{43};
  EXPECT_EQ(parseRfc3339("2026-11-24T13:57:43Z"), base);
  EXPECT_EQ(parseRfc3339("2026-11-24t13:57:43z"), base);
  EXPECT_EQ(parseRfc3339("2026-11-24T13:57:43.5Z"), base + milliseconds{500});
  EXPECT_EQ(parseRfc3339("2026-11-24T15:57:43+02:00"), base);
  EXPECT_EQ(parseRfc3339("2026-11-24T08:27:43-05:30"), base);
  EXPECT_EQ(parseRfc3339("2026-11-24T13:57:43.123456789123Z"), base + nanoseconds{123456789});
  for (const char* bad :
       {"", "2026-11-24", "2026-11-24T13:57:43", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
        "2026-11-24T24:00:00Z", "2026-11-24T13:57:43.Z", "2026-11-24T13:57:43+0200",
        "2026-11-24T13:57:43Zjunk", "2026-11-24 13:57:43Z"}) {
    EXPECT_FALSE(parseRfc3339(bad)) << bad;
  }
}

class ExecCredentialSourceTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  FakeRunner runner_;
  ExecCredentialSource source_{execConfig(), {}, {{"PATH", "/bin"}}, runner_, clock_};
};

TEST_F(ExecCredentialSourceTest, RunsOnceAndCachesUntilExpiry) {
  runner_.outputs = {{false, 0, tokenResponse("first", "2026-01-01T01:00:00Z")},
                     {false, 0, tokenResponse("second", "2026-01-01T02:00:00Z")}};
  auto a = source_.get();
  ASSERT_TRUE(a) << a.error().format();
  EXPECT_EQ(a->credential.token, "first");
  EXPECT_EQ(a->generation, 1u);
  clock_.advance(std::chrono::minutes(59));
  auto b = source_.get();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->credential.token, "first");
  EXPECT_EQ(runner_.runs, 1);
  // At the expiration instant it is still valid (client-go: expired once now is after it).
  clock_.advance(std::chrono::minutes(1));
  EXPECT_FALSE(source_.needsRefresh());
  clock_.advance(std::chrono::seconds(1));
  EXPECT_TRUE(source_.needsRefresh());
  auto c = source_.get();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->credential.token, "second");
  EXPECT_EQ(c->generation, 2u);
  EXPECT_EQ(runner_.runs, 2);
  EXPECT_EQ(envValue(runner_.last, "PATH"), "/bin");
  EXPECT_NE(envValue(runner_.last, kExecInfoEnvVar), "<unset>");
}

TEST_F(ExecCredentialSourceTest, NoExpiryCachesForever) {
  runner_.outputs = {{false, 0, tokenResponse("forever")}};
  ASSERT_TRUE(source_.get());
  clock_.advance(std::chrono::hours(24 * 365));
  ASSERT_TRUE(source_.get());
  EXPECT_EQ(runner_.runs, 1);
}

TEST_F(ExecCredentialSourceTest, UnauthorizedDropsOnlyTheCredentialItWasUsing) {
  runner_.outputs = {{false, 0, tokenResponse("one")},
                     {false, 0, tokenResponse("two")},
                     {false, 0, tokenResponse("three")}};
  auto one = source_.get();
  ASSERT_TRUE(one);
  source_.onUnauthorized(one->generation);
  auto two = source_.get();
  ASSERT_TRUE(two);
  EXPECT_EQ(two->credential.token, "two");
  // A late 401 from a request made with "one": another request already refreshed.
  source_.onUnauthorized(one->generation);
  auto still = source_.get();
  ASSERT_TRUE(still);
  EXPECT_EQ(still->credential.token, "two");
  EXPECT_EQ(runner_.runs, 2);
}

TEST_F(ExecCredentialSourceTest, PluginFailuresAreErrorsWithoutTheOutput) {
  runner_.outputs = {{true, 127, ""}};
  auto missing = source_.get();
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("apt-get install get-token"));
  runner_.outputs = {{false, 3, tokenResponse(kSecretToken)}};
  auto exited = source_.get();
  ASSERT_FALSE(exited);
  EXPECT_THAT(exited.error().message, HasSubstr("status 3"));
  EXPECT_THAT(exited.error().format(), Not(HasSubstr(kSecretToken)));
  // A failed run caches nothing: the next get() runs the plugin again.
  runner_.outputs = {{false, 0, tokenResponse("ok")}};
  auto ok = source_.get();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->credential.token, "ok");
  EXPECT_EQ(runner_.runs, 3);
}

}  // namespace
}  // namespace cop::client
