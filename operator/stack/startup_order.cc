#include "operator/stack/startup_order.h"

#include <algorithm>
#include <set>
#include <utility>

namespace cop::stack {
namespace {

// Joins the unmet dependencies of one service.
constexpr const char* kWaitingSeparator = ", ";

ServiceProgress progressOf(const std::map<std::string, ServiceProgress>& progress,
                           const std::string& name) {
  const auto it = progress.find(name);
  return it != progress.end() ? it->second : ServiceProgress{};
}

// Whether a dependency in `state` meets `condition`.
bool met(const ServiceProgress& state, DependencyCondition condition) {
  switch (condition) {
    case DependencyCondition::kStarted:
      return state.exists;
    case DependencyCondition::kHealthy:
      return state.ready;
    case DependencyCondition::kCompletedSuccessfully:
      return state.completed;
  }
  return false;
}

std::string unmetText(const Dependency& dependency) {
  switch (dependency.condition) {
    case DependencyCondition::kStarted:
      return dependency.name + " to start";
    case DependencyCondition::kHealthy:
      return dependency.name + " to be healthy";
    case DependencyCondition::kCompletedSuccessfully:
      return dependency.name + " to complete successfully";
  }
  return dependency.name;
}

}  // namespace

std::vector<StartDecision> planStartup(const std::vector<ServiceNode>& nodes,
                                       const std::map<std::string, ServiceProgress>& progress) {
  std::set<std::string> known;
  for (const ServiceNode& node : nodes) {
    known.insert(node.name);
  }

  std::vector<StartDecision> decisions;
  decisions.reserve(nodes.size());
  for (const ServiceNode& node : nodes) {
    if (progressOf(progress, node.name).exists) {
      // Never un-apply a running service (see the header).
      decisions.push_back({true, {}});
      continue;
    }
    std::vector<std::string> unmet;
    for (const Dependency& dependency : node.dependsOn) {
      if (!dependency.required || !known.contains(dependency.name)) {
        continue;
      }
      if (!met(progressOf(progress, dependency.name), dependency.condition)) {
        unmet.push_back(unmetText(dependency));
      }
    }
    std::sort(unmet.begin(), unmet.end());
    unmet.erase(std::unique(unmet.begin(), unmet.end()), unmet.end());

    StartDecision decision;
    decision.mayApply = unmet.empty();
    for (const std::string& text : unmet) {
      if (!decision.waitingFor.empty()) {
        decision.waitingFor += kWaitingSeparator;
      }
      decision.waitingFor += text;
    }
    decisions.push_back(std::move(decision));
  }
  return decisions;
}

}  // namespace cop::stack
