#include "operator/serving/metrics_endpoint.h"

#include <gtest/gtest.h>

#include <ctime>
#include <sstream>

#include "operator/metrics/standard_families.h"
#include "tests/unit/serving/http_test_client.h"

namespace cop::serving {
namespace {

// The value of an unlabelled sample `name` in an exposition; NaN when absent.
double sampleValue(const std::string& text, const std::string& name) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + " ", 0) == 0) {
      return std::stod(line.substr(name.size() + 1));
    }
  }
  return std::nan("");
}

class MetricsEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(metrics::registerStandardFamilies(registry_));
    ASSERT_TRUE(metrics::initControllerSeries(registry_, "composestack"));
    auto process = ProcessMetrics::create(registry_);
    ASSERT_TRUE(process) << process.error();
    process_ = std::move(*process);
  }

  metrics::Registry registry_;
  std::unique_ptr<ProcessMetrics> process_;
};

TEST_F(MetricsEndpointTest, ServesTheRegistryAndTheProcessFamilies) {
  const MetricsEndpoint endpoint(registry_, process_.get());
  const auto response = endpoint.serve(HttpRequest{"GET", "/metrics", {}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.contentType, metrics::kTextContentType);
  const std::string& text = response.body;
  EXPECT_NE(text.find("controller_runtime_reconcile_total{controller=\"composestack\","
                      "result=\"success\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
  for (const char* gauge : {"process_resident_memory_bytes", "process_virtual_memory_bytes",
                            "process_open_fds", "process_max_fds", "process_start_time_seconds"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + gauge + " gauge\n"), std::string::npos) << gauge;
  }
  EXPECT_GT(sampleValue(text, "process_resident_memory_bytes"), 1024 * 1024);
  EXPECT_GE(sampleValue(text, "process_open_fds"), 3);
  EXPECT_GE(sampleValue(text, "process_cpu_seconds_total"), 0);
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_LT(std::abs(sampleValue(text, "process_start_time_seconds") - now), 86400);
}

TEST_F(MetricsEndpointTest, AFailingProcReadIsLoggedAndTheScrapeGoesOn) {
  metrics::Registry registry;
  auto broken = ProcessMetrics::create(registry, ProcSource{"/nonexistent-proc-root", 0, 0});
  ASSERT_TRUE(broken);
  std::ostringstream log;
  const MetricsEndpoint endpoint(registry, broken->get(),
                                 logging::Logger(logging::LogSink::toStream(log)));
  EXPECT_EQ(endpoint.serve(HttpRequest{"GET", "/metrics", {}}).status, 200);
  EXPECT_NE(log.str().find("reading process metrics failed"), std::string::npos);
}

TEST_F(MetricsEndpointTest, MountedOverHttp) {
  const MetricsEndpoint endpoint(registry_, process_.get());
  HttpServerOptions options;
  options.bindAddress = "127.0.0.1:0";
  HttpServer server(options);
  ASSERT_TRUE(endpoint.mount(server));
  ASSERT_TRUE(server.start());
  const auto response = testing::get(server.port(), "/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.hasHeader("Content-Type: text/plain; version=0.0.4; charset=utf-8"));
  EXPECT_NE(response.body.find("controller_runtime_active_workers"), std::string::npos);
  EXPECT_NE(response.body.find("process_open_fds "), std::string::npos);
}

}  // namespace
}  // namespace cop::serving
