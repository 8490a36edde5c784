#include "operator/serving/metrics_endpoint.h"

namespace cop::serving {

HttpResponse MetricsEndpoint::serve(const HttpRequest&) const {
  if (process_ != nullptr) {
    if (auto updated = process_->update(); !updated) {
      logger_.error("reading process metrics failed", updated.error());
    }
  }
  HttpResponse response;
  response.contentType = std::string(metrics::kTextContentType);
  response.body = registry_.exposition();
  return response;
}

Expected<void, std::string> MetricsEndpoint::mount(HttpServer& server) const {
  return server.handle(std::string(kMetricsPath),
                       [this](const HttpRequest& request) { return serve(request); });
}

}  // namespace cop::serving
