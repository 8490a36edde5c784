#include "operator/client/rest_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "operator/metrics/standard_families.h"
#include "tests/unit/rest/scripted_transport.h"

namespace cop::client {
namespace {

using ::testing::HasSubstr;

TEST(RestMetrics, CountsRequestsByCodeMethodAndHost) {
  metrics::Registry registry;
  ASSERT_TRUE(metrics::registerStandardFamilies(registry).has_value());
  RegistryRequestObserver observer(registry);
  testing::ScriptedTransport transport;
  transport.push(testing::failure(TransportFailure::kConnect));
  transport.push(testing::ok("{}"));
  transport.push(testing::ok("{}"));
  RestClientOptions options;
  options.observer = &observer;
  options.host = "10.0.0.1:6443";
  RestClient client(transport, nullptr, options);
  EXPECT_FALSE(client.get(testing::configMaps(), "default", "web").has_value());
  EXPECT_TRUE(client.get(testing::configMaps(), "default", "web").has_value());
  EXPECT_TRUE(client.get(testing::configMaps(), "default", "web").has_value());
  auto ok = registry.counter(metrics::kRestClientRequestsTotal, {"200", "GET", "10.0.0.1:6443"});
  auto error =
      registry.counter(metrics::kRestClientRequestsTotal, {"<error>", "GET", "10.0.0.1:6443"});
  ASSERT_TRUE(ok.has_value());
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ((*ok)->value(), 2.0);
  EXPECT_EQ((*error)->value(), 1.0);
  EXPECT_THAT(
      registry.exposition(),
      HasSubstr(R"(rest_client_requests_total{code="200",method="GET",host="10.0.0.1:6443"} 2)"));
}

TEST(RestMetrics, AnUnregisteredFamilyNeverFailsARequest) {
  metrics::Registry registry;
  RegistryRequestObserver observer(registry);
  observer.observe("GET", "200", "h");
  EXPECT_EQ(registry.exposition(), "");
}

TEST(ServerHost, IsHostAndPort) {
  EXPECT_EQ(serverHost("https://10.0.0.1:6443"), "10.0.0.1:6443");
  EXPECT_EQ(serverHost("https://[::1]:6443/prefix/"), "[::1]:6443");
  EXPECT_EQ(serverHost("api.example.com"), "api.example.com");
}

}  // namespace
}  // namespace cop::client
