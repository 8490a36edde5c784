#pragma once

// The merged, profile-filtered compose document -> typed Project: top-level networks,
// volumes, secrets and configs, every enabled service, and the references between them
// (depends_on, links, networks, volumes, secrets, configs) checked, cycles included.

#include <set>
#include <string>

#include "operator/load/service_parser.h"

namespace cop::load {

struct ProjectInput {
  const Node& document;
  std::set<std::string> disabledServices;  // by profiles: references to them are errors
  std::string name;
};

Result<Project> parseProject(const ProjectInput& input, ParseContext& context);

}  // namespace cop::load
