// RestClient retries, credentials, metrics and rate limits (kube-runtime.md §4.1, §4.3, §4.4,
// §6.2, §6.3, §7).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "operator/client/credential_source.h"
#include "operator/client/rest_client.h"
#include "tests/unit/rest/scripted_transport.h"

namespace cop::client {
namespace {

using std::chrono::milliseconds;
using testing::configMaps;
using ::testing::ElementsAre;
using testing::failure;
using testing::FakeClock;
using ::testing::HasSubstr;
using testing::header;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::ok;
using testing::RecordingSleeper;
using testing::ScriptedTransport;
using testing::status;
using testing::Step;

// A token source whose token changes each time a 401 drops it.
class RotatingTokens final : public CredentialSource {
 public:
  Result<BearerToken> token() override {
    ++calls;
    return BearerToken{"token-" + std::to_string(generation_), generation_};
  }
  void onUnauthorized(std::uint64_t generation) override {
    dropped.push_back(generation);
    if (generation == generation_) {
      ++generation_;
    }
  }
  std::vector<std::uint64_t> dropped;
  int calls = 0;

 private:
  std::uint64_t generation_ = 1;
};

class FailingTokens final : public CredentialSource {
 public:
  Result<BearerToken> token() override { return fail("exec plugin \"p\": exited with status 1"); }
  void onUnauthorized(std::uint64_t) override {}
};

class RecordingObserver final : public RequestObserver {
 public:
  void observe(std::string_view method, std::string_view code, std::string_view host) override {
    seen.push_back(std::string(method) + " " + std::string(code) + " " + std::string(host));
  }
  std::vector<std::string> seen;
};

nlohmann::json configMap() {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "web"}}}};
}

class RetryTest : public ::testing::Test {
 protected:
  RetryTest() {
    options_.sleeper = &sleeper_;
    options_.clock = &clock_;
  }
  RestClient& client(CredentialSource* credentials = nullptr) {
    if (!client_) {
      client_ = std::make_unique<RestClient>(transport_, credentials, options_);
    }
    return *client_;
  }

  ScriptedTransport transport_;
  RecordingSleeper sleeper_;
  FakeClock clock_;
  RestClientOptions options_;
  std::unique_ptr<RestClient> client_;
};

TEST_F(RetryTest, TooManyRequestsWithRetryAfterIsRetriedAfterThatWait) {
  transport_.push(status(429, "TooManyRequests", "slow down", {{"retry-after", "3"}}));
  transport_.push(ok("{}"));
  auto got = client().get(configMaps(), "default", "web");
  ASSERT_TRUE(got.has_value()) << got.error().describe();
  EXPECT_EQ(transport_.requests.size(), 2u);
  EXPECT_THAT(sleeper_.sleeps, ElementsAre(milliseconds(3000)));
}

TEST_F(RetryTest, ServerErrorWithRetryAfterSecondsInTheBodyIsRetried) {
  transport_.push(status(503, "ServiceUnavailable", "later", {}, R"({"retryAfterSeconds":2})"));
  transport_.push(ok("{}"));
  ASSERT_TRUE(client().get(configMaps(), "default", "web").has_value());
  EXPECT_THAT(sleeper_.sleeps, ElementsAre(milliseconds(2000)));
}

TEST_F(RetryTest, ServerErrorWithoutRetryAfterIsNotRetried) {
  transport_.push(status(500, "InternalError", "boom"));
  auto got = client().get(configMaps(), "default", "web");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().kind, ApiErrorKind::InternalError);
  EXPECT_EQ(transport_.requests.size(), 1u);
  EXPECT_THAT(sleeper_.sleeps, IsEmpty());
}

TEST_F(RetryTest, AClientErrorWithRetryAfterIsNotRetried) {
  transport_.push(status(409, "Conflict", "stale", {{"retry-after", "1"}}));
  EXPECT_FALSE(client().get(configMaps(), "default", "web").has_value());
  EXPECT_EQ(transport_.requests.size(), 1u);
}

TEST_F(RetryTest, RetriesStopAfterMaxRetries) {
  options_.maxRetries = 3;
  for (int i = 0; i < 10; ++i) {
    transport_.push(status(429, "TooManyRequests", "slow down", {{"retry-after", "1"}}));
  }
  auto got = client().get(configMaps(), "default", "web");
  ASSERT_FALSE(got.has_value());
  EXPECT_TRUE(isTooManyRequests(got.error()));
  EXPECT_EQ(transport_.requests.size(), 4u) << "1 attempt + 3 retries";
  EXPECT_EQ(sleeper_.sleeps.size(), 3u);
}

TEST_F(RetryTest, TheDefaultIsTenRetries) {
  for (int i = 0; i < 20; ++i) {
    transport_.push(status(429, "TooManyRequests", "slow down", {{"retry-after", "1"}}));
  }
  EXPECT_FALSE(client().get(configMaps(), "default", "web").has_value());
  EXPECT_EQ(transport_.requests.size(), 11u);
}

TEST_F(RetryTest, ALongRetryAfterIsCapped) {
  transport_.push(status(429, "TooManyRequests", "slow down", {{"retry-after", "86400"}}));
  transport_.push(ok("{}"));
  ASSERT_TRUE(client().get(configMaps(), "default", "web").has_value());
  EXPECT_THAT(sleeper_.sleeps, ElementsAre(milliseconds(kMaxRetryAfter)));
}

TEST_F(RetryTest, AThrottledWriteIsRetriedSinceTheServerDidNotApplyIt) {
  transport_.push(status(429, "TooManyRequests", "slow down", {{"retry-after", "1"}}));
  transport_.push(ok("{}"));
  ASSERT_TRUE(client().create(configMaps(), "default", configMap()).has_value());
  ASSERT_EQ(transport_.requests.size(), 2u);
  EXPECT_EQ(transport_.requests[1].body, transport_.requests[0].body);
}

TEST_F(RetryTest, TheFlowSchemaOfA429IsLogged) {
  std::vector<std::string> lines;
  options_.retryLogger = [&](std::string_view line) { lines.emplace_back(line); };
  transport_.push(status(429, "TooManyRequests", "slow down",
                         {{"retry-after", "1"}, {"x-kubernetes-pf-flowschema-uid", "fs-123"}}));
  transport_.push(ok("{}"));
  ASSERT_TRUE(client().get(configMaps(), "default", "web").has_value());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("flowschema fs-123"));
  EXPECT_THAT(lines[0], HasSubstr("GET /api/v1/namespaces/default/configmaps/web"));
}

TEST_F(RetryTest, AReadThatLostItsConnectionIsRetriedAfterOneSecond) {
  transport_.push(failure(TransportFailure::kConnectionLost, "GET /x: connection reset"));
  transport_.push(ok(R"({"items":[]})"));
  ASSERT_TRUE(client().list(configMaps(), "default").has_value());
  EXPECT_EQ(transport_.requests.size(), 2u);
  EXPECT_THAT(sleeper_.sleeps, ElementsAre(milliseconds(1000)));
}

TEST_F(RetryTest, AWriteIsNeverSentAgainAfterATransportFailure) {
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    ScriptedTransport transport;
    RestClient client(transport, nullptr, options_);
    transport.push(failure(TransportFailure::kConnectionLost, "connection reset"));
    ApiResult result = [&]() -> ApiResult {
      const std::string m = method;
      if (m == "POST") {
        return client.create(configMaps(), "default", configMap());
      }
      if (m == "PUT") {
        return client.update(configMaps(), "default", configMap());
      }
      if (m == "PATCH") {
        return client.apply(configMaps(), "default", configMap(), {"m"});
      }
      return client.remove(configMaps(), "default", "web");
    }();
    ASSERT_FALSE(result.has_value()) << method;
    EXPECT_EQ(result.error().kind, ApiErrorKind::ConnectionLost) << method;
    EXPECT_EQ(transport.requests.size(), 1u) << method;
  }
  EXPECT_THAT(sleeper_.sleeps, IsEmpty());
}

TEST_F(RetryTest, OtherTransportFailuresOfAReadAreNotRetried) {
  transport_.push(failure(TransportFailure::kTls, "certificate verify failed"));
  auto got = client().get(configMaps(), "default", "web");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().kind, ApiErrorKind::TlsFailure);
  EXPECT_EQ(transport_.requests.size(), 1u);
}

TEST_F(RetryTest, BearerTokenGoesOnlyIntoTheAuthorizationHeader) {
  RotatingTokens tokens;
  transport_.push(status(403, "Forbidden", "no"));
  auto got = client(&tokens).get(configMaps(), "default", "web");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(header(transport_.requests[0], "Authorization"), "Bearer token-1");
  EXPECT_THAT(transport_.requests[0].pathAndQuery, Not(HasSubstr("token-1")));
  EXPECT_THAT(got.error().describe(), Not(HasSubstr("token-1")));
}

TEST_F(RetryTest, NoAuthorizationHeaderWithoutACredentialSource) {
  transport_.push(ok("{}"));
  ASSERT_TRUE(client().get(configMaps(), "default", "web").has_value());
  EXPECT_EQ(header(transport_.requests[0], "Authorization"), "");
}

TEST_F(RetryTest, UnauthorizedDropsTheTokenAndRetriesOnceWithANewOne) {
  RotatingTokens tokens;
  transport_.push(status(401, "Unauthorized", "Unauthorized"));
  transport_.push(ok("{}"));
  ASSERT_TRUE(client(&tokens).get(configMaps(), "default", "web").has_value());
  ASSERT_EQ(transport_.requests.size(), 2u);
  EXPECT_THAT(tokens.dropped, ElementsAre(1u));
  EXPECT_EQ(header(transport_.requests[0], "Authorization"), "Bearer token-1");
  EXPECT_EQ(header(transport_.requests[1], "Authorization"), "Bearer token-2");
}

TEST_F(RetryTest, UnauthorizedTwiceIsReturnedNotRetriedAgain) {
  RotatingTokens tokens;
  for (int i = 0; i < 5; ++i) {
    transport_.push(status(401, "Unauthorized", "Unauthorized"));
  }
  auto created = client(&tokens).create(configMaps(), "default", configMap());
  ASSERT_FALSE(created.has_value());
  EXPECT_TRUE(isUnauthorized(created.error()));
  EXPECT_EQ(transport_.requests.size(), 2u);
  EXPECT_THAT(tokens.dropped, ElementsAre(1u));
}

TEST_F(RetryTest, UnauthorizedWithAStaticTokenIsNotRetried) {
  StaticTokenSource tokens("fixed");
  transport_.push(status(401, "Unauthorized", "Unauthorized"));
  EXPECT_FALSE(client(&tokens).get(configMaps(), "default", "web").has_value());
  EXPECT_EQ(transport_.requests.size(), 1u) << "the same token would fail the same way";
}

TEST_F(RetryTest, ACredentialFailureSendsNothing) {
  FailingTokens tokens;
  auto got = client(&tokens).get(configMaps(), "default", "web");
  ASSERT_FALSE(got.has_value());
  EXPECT_TRUE(isTransport(got.error()));
  EXPECT_THAT(got.error().message, HasSubstr("getting credentials"));
  EXPECT_TRUE(transport_.requests.empty());
}

TEST_F(RetryTest, TheObserverSeesEveryAttemptsCodeOrError) {
  RecordingObserver observer;
  options_.observer = &observer;
  options_.host = "10.0.0.1:6443";
  transport_.push(failure(TransportFailure::kConnectionLost));
  transport_.push(status(429, "TooManyRequests", "slow", {{"retry-after", "1"}}));
  transport_.push(ok("{}"));
  transport_.push(Step{testing::response(201, "{}"), {}, {}, {}});
  ASSERT_TRUE(client().get(configMaps(), "default", "web").has_value());
  ASSERT_TRUE(client().create(configMaps(), "default", configMap()).has_value());
  EXPECT_THAT(observer.seen, ElementsAre("GET <error> 10.0.0.1:6443", "GET 429 10.0.0.1:6443",
                                         "GET 200 10.0.0.1:6443", "POST 201 10.0.0.1:6443"));
}

TEST_F(RetryTest, NoClientSideLimitByDefault) {
  for (int i = 0; i < 50; ++i) {
    transport_.push(ok("{}"));
    ASSERT_TRUE(client().get(configMaps(), "default", "web").has_value());
  }
  EXPECT_THAT(sleeper_.sleeps, IsEmpty());
}

TEST_F(RetryTest, TheTokenBucketSpacesRequestsWhenOn) {
  options_.qps = 2;
  options_.burst = 1;
  for (int i = 0; i < 3; ++i) {
    transport_.push(ok("{}"));
    ASSERT_TRUE(client().get(configMaps(), "default", "web").has_value());
  }
  EXPECT_THAT(sleeper_.sleeps, ElementsAre(milliseconds(500), milliseconds(1000)));
}

}  // namespace
}  // namespace cop::client
