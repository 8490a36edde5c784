#include "operator/leaderelection/registry_election_metrics.h"

#include "operator/metrics/standard_families.h"

namespace cop::leaderelection {

void RegistryElectionMetrics::setMasterStatus(const std::string& name, bool leading) {
  if (auto gauge = registry_.gauge(metrics::kLeaderElectionMasterStatus, {name})) {
    (*gauge)->set(leading ? 1.0 : 0.0);
  }
}

void RegistryElectionMetrics::incSlowpath(const std::string& name) {
  if (auto counter = registry_.counter(metrics::kLeaderElectionSlowpathTotal, {name})) {
    (*counter)->inc();
  }
}

}  // namespace cop::leaderelection
