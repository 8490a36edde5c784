// CurlMultiTransport without a server: the configuration and requests it refuses (the same
// checks as CurlTransport, one copy in curl_request_setup.cc), a refused connection, a stop
// token ending one stream to a port that never answers while another goes on, and destruction
// with transfers in flight. The multiplexing itself (N transfers, one HTTP/2 connection) needs
// a real server: tests/integration/rest_transport_test.cc.

#include "operator/client/curl_multi_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/transport/loopback_ports.h"

namespace cop::client {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// How long a test waits for something that should take milliseconds before calling it a hang.
constexpr auto kPatience = 10s;

class CurlMultiTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto global = CurlGlobal::create();
    ASSERT_TRUE(global.has_value()) << global.error();
    global_ = std::move(global).value();
  }

  std::unique_ptr<CurlMultiTransport> transportTo(int port) {
    RestConfig config;
    config.server = "http://127.0.0.1:" + std::to_string(port);
    config.source = "test";
    auto transport = CurlMultiTransport::create(*global_, config);
    EXPECT_TRUE(transport.has_value()) << transport.error().message;
    return transport.has_value() ? std::move(transport).value() : nullptr;
  }

  // Waits until `transport` has `count` transfers handed to its thread.
  static bool waitForInFlight(const CurlMultiTransport& transport, std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (transport.transfersInFlight() != count) {
      if (std::chrono::steady_clock::now() > deadline) {
        return false;
      }
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  // The error of a GET that must fail.
  static TransportError failedGet(Transport& transport, std::string path) {
    HttpRequest request;
    request.pathAndQuery = std::move(path);
    auto response = transport.send(request);
    EXPECT_FALSE(response.has_value());
    return response.has_value() ? TransportError{} : std::move(response).error();
  }

  static HttpRequest watch(std::stop_token stop = {}) {
    HttpRequest request;
    request.pathAndQuery = "/api/v1/configmaps?watch=1";
    request.stop = std::move(stop);
    return request;
  }

  std::unique_ptr<CurlGlobal> global_;
};

TEST_F(CurlMultiTransportTest, RefusesWhatCurlTransportRefuses) {
  struct Case {
    const char* name;
    RestConfig config;
    const char* mentions;
  };
  std::vector<Case> cases(3);
  cases[0] = {"not http", {}, "ftp://example.test"};
  cases[0].config.server = "ftp://example.test";
  cases[1] = {"key without certificate", {}, "certificate"};
  cases[1].config.server = "https://127.0.0.1:6443";
  cases[1].config.clientKeyPem =
      "-----BEGIN PRIVATE KEY-----\nS3CR3TKEY\n-----END PRIVATE KEY-----\n";
  cases[2] = {"tls-server-name", {}, "tls-server-name"};
  cases[2].config.server = "https://127.0.0.1:6443";
  cases[2].config.tlsServerName = "kubernetes.default";
  for (const Case& refused : cases) {
    auto transport = CurlMultiTransport::create(*global_, refused.config);
    ASSERT_FALSE(transport.has_value()) << refused.name;
    EXPECT_EQ(transport.error().kind, TransportFailure::kInvalid) << refused.name;
    EXPECT_THAT(transport.error().message, HasSubstr(refused.mentions)) << refused.name;
    EXPECT_THAT(transport.error().message, ::testing::Not(HasSubstr("S3CR3TKEY")));
  }
}

TEST_F(CurlMultiTransportTest, RefusesABadPathAndAnAlreadyStoppedRequest) {
  loopback::LoopbackPort port(true);
  auto transport = transportTo(port.port());
  ASSERT_NE(transport, nullptr);
  EXPECT_EQ(failedGet(*transport, "api/v1").kind, TransportFailure::kInvalid);

  std::stop_source stopped;
  stopped.request_stop();
  auto streamed =
      transport->stream(watch(stopped.get_token()), [](std::string_view) { return true; });
  ASSERT_FALSE(streamed.has_value());
  EXPECT_EQ(streamed.error().kind, TransportFailure::kAborted);
}

TEST_F(CurlMultiTransportTest, ConnectionRefusedIsAConnectError) {
  loopback::LoopbackPort port(false);
  ASSERT_NE(port.port(), 0);
  auto transport = transportTo(port.port());
  ASSERT_NE(transport, nullptr);
  const TransportError error = failedGet(*transport, "/version");
  EXPECT_EQ(error.kind, TransportFailure::kConnect) << error.message;
  EXPECT_THAT(error.message, HasSubstr("GET /version"));
  EXPECT_EQ(transport->transfersInFlight(), 0U);
}

TEST_F(CurlMultiTransportTest, StopTokenEndsOneSilentStreamAndLeavesTheOther) {
  loopback::LoopbackPort port(true);
  ASSERT_NE(port.port(), 0);
  auto transport = transportTo(port.port());
  ASSERT_NE(transport, nullptr);

  std::stop_source first;
  std::stop_source second;
  std::optional<TransportResult> firstResult;
  std::optional<TransportResult> secondResult;
  auto never = [](std::string_view) { return true; };
  std::jthread firstCaller(
      [&] { firstResult.emplace(transport->stream(watch(first.get_token()), never)); });
  std::jthread secondCaller(
      [&] { secondResult.emplace(transport->stream(watch(second.get_token()), never)); });
  ASSERT_TRUE(waitForInFlight(*transport, 2));

  const auto stopAt = std::chrono::steady_clock::now();
  first.request_stop();
  firstCaller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - stopAt, 2s) << "a stop must not wait for a byte";
  ASSERT_TRUE(firstResult.has_value());
  ASSERT_FALSE(firstResult->has_value());
  EXPECT_EQ(firstResult->error().kind, TransportFailure::kAborted);
  EXPECT_THAT(firstResult->error().message, HasSubstr("stop requested"));

  EXPECT_EQ(transport->transfersInFlight(), 1U) << "the other stream was disturbed";
  second.request_stop();
  secondCaller.join();
  ASSERT_TRUE(secondResult.has_value());
  ASSERT_FALSE(secondResult->has_value());
  EXPECT_EQ(secondResult->error().kind, TransportFailure::kAborted);
}

TEST_F(CurlMultiTransportTest, DestructionEndsEveryTransferInFlight) {
  loopback::LoopbackPort port(true);
  ASSERT_NE(port.port(), 0);
  auto transport = transportTo(port.port());
  ASSERT_NE(transport, nullptr);

  constexpr std::size_t kCallers = 4;
  std::vector<std::optional<TransportResult>> results(kCallers);
  std::vector<std::jthread> callers;
  for (std::size_t i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      if (i % 2 == 0) {
        results[i].emplace(transport->stream(watch(), [](std::string_view) { return true; }));
      } else {
        HttpRequest request;
        request.pathAndQuery = "/version";
        results[i].emplace(transport->send(request));
      }
    });
  }
  ASSERT_TRUE(waitForInFlight(*transport, kCallers));
  transport.reset();  // wakes the thread, ends every transfer, joins
  callers.clear();    // joins: every caller has returned
  for (const auto& result : results) {
    ASSERT_TRUE(result.has_value());
    ASSERT_FALSE(result->has_value());
    EXPECT_EQ(result->error().kind, TransportFailure::kAborted);
    EXPECT_THAT(result->error().message, HasSubstr("shutting down"));
  }
}

}  // namespace
}  // namespace cop::client
