#pragma once

// What a leader elector reports, named as controller-runtime pkg/metrics/leaderelection.go names
// it (kube-runtime.md §7), so existing dashboards work. `name` is the lease's name (client-go
// LeaderElectionConfig.Name, which controller-runtime sets to the LeaderElectionID).

#include <string>

namespace cop::leaderelection {

class ElectionMetrics {
 public:
  virtual ~ElectionMetrics() = default;
  // leader_election_master_status (gauge): 1 while leading, 0 otherwise.
  virtual void setMasterStatus(const std::string& name, bool leading) = 0;
  // leader_election_slowpath_total (counter): renewals by the holder that needed the GET (its
  // optimistic PUT of the last lease it got back failed, or it no longer trusted that lease).
  virtual void incSlowpath(const std::string& name) = 0;
};

class NoopElectionMetrics final : public ElectionMetrics {
 public:
  void setMasterStatus(const std::string&, bool) override {}
  void incSlowpath(const std::string&) override {}
};

}  // namespace cop::leaderelection
