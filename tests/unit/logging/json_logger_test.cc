#include "operator/logging/json_logger.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

namespace cop::logging {
namespace {

using nlohmann::json;

// Planted credentials: none may appear in any captured byte.
constexpr const char* kBearer = "Zm9vYmFyYmF6cXV4c2VjcmV0dG9rZW4xMjM0NTY";
constexpr const char* kUrlPassword = "hunter2hunter2";
constexpr const char* kPemBody = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
constexpr const char* kJwt =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJl";
constexpr const char* kFieldSecret = "plain-value-in-a-password-field";

std::string pemKey() {
  return std::string("-----BEGIN RSA PRIVATE KEY-----\n") + kPemBody +
         "\n-----END RSA PRIVATE KEY-----";
}

class JsonLoggerTest : public ::testing::Test {
 protected:
  Logger logger(int level = kDefaultLevel) { return Logger(LogSink::toStream(out_, level)); }

  // Every captured line, parsed; fails the test on a line that is not one JSON object.
  std::vector<json> lines() {
    std::vector<json> parsed;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) {
      json object = json::parse(line, nullptr, false);
      EXPECT_TRUE(object.is_object()) << line;
      parsed.push_back(std::move(object));
    }
    return parsed;
  }

  std::ostringstream out_;
};

TEST_F(JsonLoggerTest, OneObjectPerLineInZapsFieldOrder) {
  logger().withName("manager").info("starting", {{"workers", 2}, {"leader", true}});
  const std::string raw = out_.str();
  ASSERT_EQ(raw.back(), '\n');
  EXPECT_EQ(raw.find('\n'), raw.size() - 1);
  EXPECT_EQ(raw.rfind("{\"level\":\"info\",\"ts\":", 0), 0u) << raw;
  EXPECT_NE(raw.find(",\"logger\":\"manager\",\"msg\":\"starting\",\"workers\":2,\"leader\":true}"),
            std::string::npos)
      << raw;
  const auto parsed = lines();
  ASSERT_EQ(parsed.size(), 1u);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  ASSERT_TRUE(parsed[0]["ts"].is_number_float());
  EXPECT_NEAR(parsed[0]["ts"].get<double>(), now, 60);
}

TEST_F(JsonLoggerTest, ErrorCarriesAnErrorField) {
  logger().error("reconcile failed", "conflict on apply", {{"attempt", 3}});
  const auto parsed = lines();
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0]["level"], "error");
  EXPECT_EQ(parsed[0]["msg"], "reconcile failed");
  EXPECT_EQ(parsed[0]["error"], "conflict on apply");
  EXPECT_EQ(parsed[0]["attempt"], 3);
  EXPECT_FALSE(parsed[0].contains("logger"));  // no name, no field
}

TEST_F(JsonLoggerTest, LevelsBelowTheThresholdAreDropped) {
  const Logger info = logger(kInfoLevel);
  info.debug("hidden");
  info.v(2).info("hidden too");
  info.info("shown");
  info.v(5).error("errors ignore V", "e");
  const auto parsed = lines();
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["msg"], "shown");
  EXPECT_EQ(parsed[1]["level"], "error");

  const Logger errorsOnly = Logger(LogSink::toStream(out_, kErrorLevel));
  errorsOnly.info("dropped");
  EXPECT_EQ(lines().size(), 2u);
}

TEST_F(JsonLoggerTest, VerbosityLevelsAreNamedAsZapDoes) {
  const Logger verbose = logger(-3);
  verbose.debug("d");
  verbose.v(1).v(2).info("v3");
  verbose.v(4).info("too verbose");
  EXPECT_FALSE(verbose.v(4).enabled());
  EXPECT_TRUE(verbose.v(3).enabled());
  const auto parsed = lines();
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["level"], "debug");
  EXPECT_EQ(parsed[1]["level"], "Level(-3)");
}

TEST_F(JsonLoggerTest, NamesJoinWithDotsAndValuesAccumulate) {
  const Logger base = logger().withName("controller").withValues({{"controller", "stack"}});
  base.withName("composestack").withValues({{"extra", "x"}}).info("m", {{"call", 1}});
  base.info("n");
  const auto parsed = lines();
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["logger"], "controller.composestack");
  EXPECT_EQ(parsed[0]["controller"], "stack");
  EXPECT_EQ(parsed[0]["extra"], "x");
  EXPECT_EQ(parsed[0]["call"], 1);
  EXPECT_FALSE(parsed[1].contains("extra"));  // withValues returned a new logger
}

TEST_F(JsonLoggerTest, AReconcileLineCarriesItsKey) {
  reconcileLogger(logger(), "composestack", "shop", "web", "5c3e0b9a-1").info("Reconciling");
  const auto parsed = lines();
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0]["controller"], "composestack");
  EXPECT_EQ(parsed[0]["namespace"], "shop");
  EXPECT_EQ(parsed[0]["name"], "web");
  EXPECT_EQ(parsed[0]["reconcileID"], "5c3e0b9a-1");
}

TEST_F(JsonLoggerTest, ControlCharactersAndInvalidUtf8AreEscaped) {
  logger().info("line\nbreak\x01 \"quoted\" caf\xc3\xa9 bad\xff\xfe",
                {{"k\ney", "v\r\x1b[31m"}, {"bad\xc3", "x\xe2\x82"}});
  const std::string raw = out_.str();
  EXPECT_EQ(raw.find('\n'), raw.size() - 1);  // the only newline ends the line
  for (char c : raw.substr(0, raw.size() - 1)) {
    EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "raw control character in " << raw;
  }
  const auto parsed = lines();
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0]["msg"], "line\nbreak\x01 \"quoted\" caf\xc3\xa9 bad\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(parsed[0]["k\ney"], "v\r\x1b[31m");
  EXPECT_TRUE(parsed[0].contains("bad\xef\xbf\xbd"));
}

TEST_F(JsonLoggerTest, PlantedCredentialsNeverReachTheOutput) {
  const std::string url = std::string("postgres://app:") + kUrlPassword + "@db:5432/shop";
  const Logger log = logger(kDebugLevel).withValues({{"token", "static-token-value-1"}});
  log.info("calling with Authorization: Bearer " + std::string(kBearer));
  log.info("connecting to " + url, {{"dsn", url}, {"kubeconfig", pemKey()}});
  log.info("jwt " + std::string(kJwt), {{"header", "Bearer " + std::string(kBearer)}});
  log.error("auth failed", "server said: Bearer " + std::string(kBearer) + " is invalid",
            {{"password", kFieldSecret},
             {"Authorization", std::string("Basic ") + kBearer},
             {"secret", json{{"data", {{"key", kFieldSecret}}}}},
             {"object", json{{"kind", "Secret"},
                             {"data", {{"tls.key", kFieldSecret}}},
                             {"stringData", {{"x", kFieldSecret}}},
                             {"note", pemKey()}}},
             {"clientKeyData", kFieldSecret}});
  log.debug(pemKey());
  const std::string raw = out_.str();
  for (const char* secret :
       {kBearer, kUrlPassword, kPemBody, kJwt, kFieldSecret, "static-token-value-1"}) {
    EXPECT_EQ(raw.find(secret), std::string::npos) << secret << " leaked in\n" << raw;
  }
  const auto parsed = lines();
  ASSERT_EQ(parsed.size(), 5u);
  EXPECT_EQ(parsed[0]["token"], "<redacted>");
  EXPECT_EQ(parsed[0]["msg"], "calling with Authorization: Bearer <redacted: a bearer credential>");
  EXPECT_EQ(parsed[1]["msg"], "connecting to <redacted: a URL with a password>");
  EXPECT_EQ(parsed[3]["password"], "<redacted>");
  EXPECT_EQ(parsed[3]["object"]["kind"], "Secret");  // only the credential parts go
  EXPECT_EQ(parsed[3]["object"]["data"], "<redacted>");
}

TEST(JsonLoggerSinks, WritesToAFileDescriptor) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  {
    const Logger log(LogSink::toFd(fds[1]));
    log.info("to a pipe", {{"n", 1}});
  }
  ::close(fds[1]);
  std::string captured;
  char buffer[512];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) {
    captured.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  ASSERT_FALSE(captured.empty());
  EXPECT_EQ(captured.back(), '\n');
  const json line = json::parse(captured, nullptr, false);
  ASSERT_TRUE(line.is_object()) << captured;
  EXPECT_EQ(line["msg"], "to a pipe");
}

TEST(JsonLoggerSinks, ADefaultLoggerDiscards) {
  const Logger log;
  EXPECT_FALSE(log.enabled());
  log.info("nowhere");  // must not crash
}

TEST(JsonLoggerSinks, SetLevelChangesTheThresholdAtRuntime) {
  std::ostringstream out;
  auto sink = LogSink::toStream(out, kInfoLevel);
  const Logger log(sink);
  log.debug("hidden");
  sink->setLevel(kDebugLevel);
  log.debug("shown");
  EXPECT_EQ(out.str().find("hidden"), std::string::npos);
  EXPECT_NE(out.str().find("shown"), std::string::npos);
}

}  // namespace
}  // namespace cop::logging
