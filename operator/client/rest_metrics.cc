#include "operator/client/rest_metrics.h"

#include <string>
#include <vector>

#include "operator/metrics/standard_families.h"

namespace cop::client {

void RegistryRequestObserver::observe(std::string_view method, std::string_view code,
                                      std::string_view host) {
  // Label order as registered: code, method, host (standard_families.cc).
  auto counter = registry_.counter(
      metrics::kRestClientRequestsTotal,
      std::vector<std::string>{std::string(code), std::string(method), std::string(host)});
  if (counter) {
    (*counter)->inc();
  }  // else: the family is not registered; a metric must never fail a request
}

}  // namespace cop::client
