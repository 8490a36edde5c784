#pragma once

// Start-up order by depends_on (issue 8, "Start-up order by depends_on"): which services'
// workloads may be applied now, given what already runs.
//
//  * service_started: the dependency's workload exists.
//  * service_healthy: the dependency is ready (Available, as assessService defines it).
//  * service_completed_successfully: the dependency's Job is complete.
//
// Choices:
//  * A service whose workload already exists stays applied, whatever its dependencies do now.
//    docker compose orders only the start-up (`docker compose up` waits for the conditions
//    before it starts a container, and never stops a running one when a dependency turns
//    unhealthy later), and un-applying would delete a running service and its pods on any blip
//    of a dependency's health. Its decision is mayApply with no waitingFor.
//  * A dependency with required: false never blocks (compose only warns about it).
//  * A dependency that is not among `nodes` is ignored: the translator refuses a required
//    dependency on an unknown or disabled service, so what is left is an optional one whose
//    service is switched off (by profiles), which compose skips too.
//  * waitingFor lists every unmet dependency, sorted and without repeats, joined by ", ":
//    "cache to start, db to be healthy".
//
// The translator has its own translate::DependencyCondition; the reconciler maps it to this
// one, so that this file depends on nothing but the standard library.

#include <map>
#include <string>
#include <vector>

namespace cop::stack {

enum class DependencyCondition { kStarted, kHealthy, kCompletedSuccessfully };

struct Dependency {
  std::string name;
  DependencyCondition condition;
  bool required = true;
};

struct ServiceNode {
  std::string name;
  std::vector<Dependency> dependsOn;
};

// From assessService of the live state. A service missing from the map has no workload yet.
struct ServiceProgress {
  bool exists = false;
  bool ready = false;
  bool completed = false;
};

struct StartDecision {
  bool mayApply = false;
  // "db to be healthy", "migrate to complete successfully", "cache to start"; "" when mayApply.
  std::string waitingFor;
};

// For each service (same order as nodes): may its workload be applied now?
std::vector<StartDecision> planStartup(const std::vector<ServiceNode>& nodes,
                                       const std::map<std::string, ServiceProgress>& progress);

}  // namespace cop::stack
