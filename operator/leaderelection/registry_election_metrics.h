#pragma once

// ElectionMetrics onto the Prometheus registry: the families kLeaderElectionMasterStatus and
// kLeaderElectionSlowpathTotal (operator/metrics/standard_families.h), which the owner
// registers (registerStandardFamilies) before the elector runs.

#include "operator/leaderelection/election_metrics.h"
#include "operator/metrics/registry.h"

namespace cop::leaderelection {

class RegistryElectionMetrics final : public ElectionMetrics {
 public:
  // `registry` is not owned and must outlive this object.
  explicit RegistryElectionMetrics(metrics::Registry& registry) : registry_(registry) {}

  // A family that is not registered is skipped: metrics never stop an election.
  void setMasterStatus(const std::string& name, bool leading) override;
  void incSlowpath(const std::string& name) override;

 private:
  metrics::Registry& registry_;
};

}  // namespace cop::leaderelection
