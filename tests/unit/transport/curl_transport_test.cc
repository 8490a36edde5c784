// The transport's checks that need no server: configuration it refuses, requests it refuses,
// and a connection refused on loopback (a bound, non-listening port: refused at once, no wait).
// The real exchanges (HTTP/2, client certificate, reuse, 401, 404) are in
// tests/integration/rest_transport_test.cc, against a real kube-apiserver.

#include "operator/client/curl_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/transport/loopback_ports.h"

namespace cop::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecretToken = "s3cr3t-token-value";
constexpr const char* kSecretKey =
    "-----BEGIN PRIVATE KEY-----\nS3CR3TKEY\n-----END PRIVATE KEY-----\n";

class CurlTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto global = CurlGlobal::create();
    ASSERT_TRUE(global.has_value()) << global.error();
    global_ = std::move(global).value();
  }
  std::unique_ptr<CurlGlobal> global_;
};

RestConfig configFor(std::string server) {
  RestConfig config;
  config.server = std::move(server);
  config.source = "test";
  return config;
}

TEST_F(CurlTransportTest, LibcurlHasTlsAndHttp2) {
  EXPECT_TRUE(global_->hasSsl());
  EXPECT_TRUE(global_->hasHttp2());
}

TEST_F(CurlTransportTest, RefusesAServerThatIsNotHttp) {
  auto transport = CurlTransport::create(*global_, configFor("ftp://example.test"));
  ASSERT_FALSE(transport.has_value());
  EXPECT_EQ(transport.error().kind, TransportFailure::kInvalid);
  EXPECT_THAT(transport.error().message, HasSubstr("ftp://example.test"));
}

TEST_F(CurlTransportTest, RefusesACertificateWithoutItsKeyAndNeverPrintsTheKey) {
  RestConfig certOnly = configFor("https://127.0.0.1:6443");
  certOnly.clientCertificatePem = "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n";
  auto first = CurlTransport::create(*global_, certOnly);
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().kind, TransportFailure::kInvalid);

  RestConfig keyOnly = configFor("https://127.0.0.1:6443");
  keyOnly.clientKeyPem = kSecretKey;
  auto second = CurlTransport::create(*global_, keyOnly);
  ASSERT_FALSE(second.has_value());
  EXPECT_THAT(second.error().message, Not(HasSubstr("S3CR3TKEY")));
}

TEST_F(CurlTransportTest, RefusesTlsServerNameRatherThanIgnoringIt) {
  RestConfig config = configFor("https://127.0.0.1:6443");
  config.tlsServerName = "kubernetes.default";
  auto transport = CurlTransport::create(*global_, config);
  ASSERT_FALSE(transport.has_value());
  EXPECT_THAT(transport.error().message, HasSubstr("tls-server-name"));
}

TEST_F(CurlTransportTest, RefusesAPathWithoutLeadingSlash) {
  auto transport = CurlTransport::create(*global_, configFor("https://127.0.0.1:6443"));
  ASSERT_TRUE(transport.has_value());
  HttpRequest request;
  request.pathAndQuery = "api/v1";
  auto response = (*transport)->send(request);
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().kind, TransportFailure::kInvalid);
}

TEST_F(CurlTransportTest, ConnectionRefusedIsAConnectErrorWithoutTheToken) {
  loopback::LoopbackPort port(false);
  ASSERT_NE(port.port(), 0);
  RestConfig config = configFor("https://127.0.0.1:" + std::to_string(port.port()) + "/");
  config.bearerToken = kSecretToken;
  auto transport = CurlTransport::create(*global_, config);
  ASSERT_TRUE(transport.has_value());

  HttpRequest request;
  request.pathAndQuery = "/version";
  auto response = (*transport)->send(request);
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().kind, TransportFailure::kConnect);
  EXPECT_THAT(response.error().message, HasSubstr("GET /version"));
  EXPECT_THAT(response.error().message, Not(HasSubstr(kSecretToken)));

  // The stream variant fails the same way and never calls the receiver.
  bool called = false;
  auto streamed = (*transport)->stream(request, [&](std::string_view) {
    called = true;
    return true;
  });
  ASSERT_FALSE(streamed.has_value());
  EXPECT_EQ(streamed.error().kind, TransportFailure::kConnect);
  EXPECT_FALSE(called);
}

TEST(CurlHeaderList, MovesOwnership) {
  CurlHeaderList first;
  ASSERT_TRUE(first.append("Accept: application/json"));
  CurlHeaderList second = std::move(first);
  EXPECT_EQ(first.get(), nullptr);  // NOLINT(bugprone-use-after-move): moved-from is empty
  ASSERT_NE(second.get(), nullptr);
  EXPECT_STREQ(second.get()->data, "Accept: application/json");
  CurlHeaderList third;
  ASSERT_TRUE(third.append("X: y"));
  third = std::move(second);  // frees "X: y"; ASan's leak check would see it otherwise
  EXPECT_STREQ(third.get()->data, "Accept: application/json");
}

}  // namespace
}  // namespace cop::client
