#pragma once

// rest_client_requests_total (kube-runtime.md §7; controller-runtime
// pkg/metrics/client_go_adapter.go): a RequestObserver that counts every HTTP attempt of a
// RestClient in a metrics Registry, by code, method and host.

#include <string_view>

#include "operator/client/rest_client.h"
#include "operator/metrics/registry.h"

namespace cop::client {

class RegistryRequestObserver final : public RequestObserver {
 public:
  // The registry must hold metrics::kRestClientRequestsTotal (registerStandardFamilies) and
  // outlive the observer.
  explicit RegistryRequestObserver(metrics::Registry& registry) : registry_(registry) {}

  // RequestObserver
  void observe(std::string_view method, std::string_view code, std::string_view host) override;

 private:
  metrics::Registry& registry_;
};

}  // namespace cop::client
