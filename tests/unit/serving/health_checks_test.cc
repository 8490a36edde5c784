#include "operator/serving/health_checks.h"

#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <stdexcept>

#include "tests/unit/serving/http_test_client.h"

namespace cop::serving {
namespace {

HealthCheck passing() {
  return [] { return Expected<void, std::string>(); };
}
HealthCheck failing(std::string reason) {
  return [reason] { return Expected<void, std::string>(Unexpected(reason)); };
}

HttpRequest request(std::string path, std::vector<std::pair<std::string, std::string>> query = {}) {
  HttpRequest out;
  out.method = "GET";
  out.path = std::move(path);
  out.query = std::move(query);
  return out;
}

class HealthChecksTest : public ::testing::Test {
 protected:
  std::ostringstream log_;
  HealthChecks checks_{logging::Logger(logging::LogSink::toStream(log_))};
};

TEST_F(HealthChecksTest, AllPassingIsOk) {
  ASSERT_TRUE(checks_.add("b", passing()));
  ASSERT_TRUE(checks_.add("a", passing()));
  const auto response = checks_.serve("/healthz", request("/healthz"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ok");
  EXPECT_EQ(response.contentType, "text/plain; charset=utf-8");
}

TEST_F(HealthChecksTest, VerboseListsEveryCheckInNameOrder) {
  ASSERT_TRUE(checks_.add("b", passing()));
  ASSERT_TRUE(checks_.add("a", passing()));
  const auto response = checks_.serve("/healthz", request("/healthz", {{"verbose", ""}}));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "[+]a ok\n[+]b ok\nhealthz check passed\n");
}

TEST_F(HealthChecksTest, AFailureIs500WithTheReasonWithheldAndLogged) {
  ASSERT_TRUE(checks_.add("cache", failing("informer for pods not synced")));
  ASSERT_TRUE(checks_.add("alive", passing()));
  const auto response = checks_.serve("/readyz", request("/readyz"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body, "[+]alive ok\n[-]cache failed: reason withheld\nhealthz check failed\n");
  EXPECT_EQ(response.body.find("informer"), std::string::npos);
  EXPECT_NE(log_.str().find("informer for pods not synced"), std::string::npos);
  EXPECT_NE(log_.str().find("\"checker\":\"cache\""), std::string::npos);
}

TEST_F(HealthChecksTest, ExcludeSkipsACheck) {
  ASSERT_TRUE(checks_.add("a", passing()));
  ASSERT_TRUE(checks_.add("b", failing("down")));
  EXPECT_EQ(checks_.serve("/healthz", request("/healthz", {{"exclude", "b"}})).body, "ok");
  const auto verbose =
      checks_.serve("/healthz", request("/healthz", {{"exclude", "b"}, {"verbose", ""}}));
  EXPECT_EQ(verbose.status, 200);
  EXPECT_EQ(verbose.body, "[+]a ok\n[+]b excluded: ok\nhealthz check passed\n");
}

TEST_F(HealthChecksTest, ExcludeIsRepeatable) {
  ASSERT_TRUE(checks_.add("a", failing("x")));
  ASSERT_TRUE(checks_.add("b", failing("y")));
  ASSERT_TRUE(checks_.add("c", passing()));
  const auto response =
      checks_.serve("/healthz", request("/healthz", {{"exclude", "a"}, {"exclude", "b"}}));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ok");
}

TEST_F(HealthChecksTest, AnExcludeMatchingNothingIsReported) {
  ASSERT_TRUE(checks_.add("a", passing()));
  const auto response = checks_.serve(
      "/healthz", request("/healthz", {{"exclude", "zz"}, {"exclude", "y"}, {"verbose", ""}}));
  EXPECT_EQ(response.body,
            "[+]a ok\nwarn: some health checks cannot be excluded: no matches for \"y\",\"zz\"\n"
            "healthz check passed\n");
}

TEST_F(HealthChecksTest, OneCheckByName) {
  ASSERT_TRUE(checks_.add("a", passing()));
  ASSERT_TRUE(checks_.add("b", failing("secret reason")));
  const auto a = checks_.serve("/healthz", request("/healthz/a"));
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "ok");
  const auto b = checks_.serve("/healthz", request("/healthz/b"));
  EXPECT_EQ(b.status, 500);
  EXPECT_EQ(b.body.find("secret reason"), std::string::npos);
  EXPECT_NE(log_.str().find("secret reason"), std::string::npos);
  EXPECT_EQ(checks_.serve("/healthz", request("/healthz/c")).status, 404);
  EXPECT_EQ(checks_.serve("/healthz", request("/healthz/a/b")).status, 404);
}

TEST_F(HealthChecksTest, TrailingSlashIsTheAggregate) {
  ASSERT_TRUE(checks_.add("a", passing()));
  EXPECT_EQ(checks_.serve("/healthz", request("/healthz/")).body, "ok");
  EXPECT_EQ(checks_.serve("/healthz", request("/healthz/a/")).body, "ok");
}

TEST_F(HealthChecksTest, WithoutChecksAPingPasses) {
  EXPECT_EQ(checks_.serve("/healthz", request("/healthz")).body, "ok");
  EXPECT_EQ(checks_.serve("/healthz", request("/healthz", {{"verbose", ""}})).body,
            "[+]ping ok\nhealthz check passed\n");
  EXPECT_EQ(checks_.serve("/healthz", request("/healthz/ping")).status, 200);
  ASSERT_TRUE(checks_.add("a", passing()));
  EXPECT_EQ(checks_.serve("/healthz", request("/healthz/ping")).status, 404);
}

TEST_F(HealthChecksTest, AThrowingCheckFails) {
  ASSERT_TRUE(checks_.add(
      "bug", []() -> Expected<void, std::string> { throw std::runtime_error("boom"); }));
  EXPECT_EQ(checks_.serve("/healthz", request("/healthz")).status, 500);
}

TEST_F(HealthChecksTest, NamesAreUniqueAndServable) {
  EXPECT_TRUE(checks_.add("a", passing()));
  EXPECT_FALSE(checks_.add("a", passing()));
  EXPECT_FALSE(checks_.add("", passing()));
  EXPECT_FALSE(checks_.add("x/y", passing()));
  EXPECT_FALSE(checks_.add("n", HealthCheck()));
}

TEST(HealthProbes, LivenessAndReadinessAreSeparateSetsOverHttp) {
  HealthProbes probes;
  std::atomic<bool> synced{false};
  ASSERT_TRUE(probes.liveness.add("ping", [] { return Expected<void, std::string>(); }));
  ASSERT_TRUE(probes.readiness.add("informers", [&]() -> Expected<void, std::string> {
    if (!synced) {
      return Unexpected(std::string("not synced"));
    }
    return {};
  }));
  HttpServerOptions options;
  options.bindAddress = "127.0.0.1:0";
  HttpServer server(options);
  ASSERT_TRUE(probes.mount(server));
  ASSERT_TRUE(server.start());
  EXPECT_EQ(testing::get(server.port(), "/healthz").status, 200);
  EXPECT_EQ(testing::get(server.port(), "/readyz").status, 500);
  EXPECT_EQ(testing::get(server.port(), "/readyz/informers").status, 500);
  synced = true;
  const auto ready = testing::get(server.port(), "/readyz?verbose");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "[+]informers ok\nhealthz check passed\n");
  EXPECT_EQ(testing::get(server.port(), "/healthz/ping").body, "ok");
  EXPECT_EQ(testing::get(server.port(), "/healthzz").status, 404);
}

}  // namespace
}  // namespace cop::serving
