#pragma once

// GET /metrics: the registry's Prometheus text exposition (0.0.4), with the process_*
// families refreshed from /proc just before each scrape, as client_golang's process
// collector does at collection time.

#include <string>
#include <string_view>

#include "operator/common/result.h"
#include "operator/logging/json_logger.h"
#include "operator/metrics/registry.h"
#include "operator/serving/http_server.h"
#include "operator/serving/process_metrics.h"

namespace cop::serving {

// controller-runtime's metrics path (metrics/server.go DefaultMetricsEndpoint).
inline constexpr std::string_view kMetricsPath = "/metrics";

class MetricsEndpoint {
 public:
  // Neither is owned; both must outlive the endpoint. `process` may be null (no process_*
  // families). A failing /proc read is logged and the scrape goes on with the last values.
  MetricsEndpoint(const metrics::Registry& registry, ProcessMetrics* process,
                  logging::Logger logger = {})
      : registry_(registry), process_(process), logger_(std::move(logger)) {}

  HttpResponse serve(const HttpRequest& request) const;

  // Routes kMetricsPath to serve(); the endpoint must outlive the server.
  Expected<void, std::string> mount(HttpServer& server) const;

 private:
  const metrics::Registry& registry_;
  ProcessMetrics* process_;
  logging::Logger logger_;
};

}  // namespace cop::serving
