#pragma once

// YAML service definition -> typed Service. The service has been interpolated, merged and
// extended already; here values are typed, defaults applied, files it names (env_file,
// label_file, small bind-mount sources) read through the SourceReader, and keys the
// translator cannot carry over recorded for warnings.

#include <string>

#include "operator/common/diagnostic.h"
#include "operator/load/compose_model.h"
#include "operator/load/interpolation.h"
#include "operator/load/source_reader.h"
#include "operator/load/yaml_node.h"

namespace cop::load {

class LoadBudget;

struct ParseContext {
  const SourceReader& reader;
  std::string projectDir;  // relative paths in the project resolve against it
  VariableLookup lookup;   // the interpolation environment (key-only variables, env files)
  Warnings& warnings;
  LoadBudget* budget = nullptr;  // what env and label files may materialise (load_budget.h)
};

Result<Service> parseService(const std::string& name, const Node& node, ParseContext& context);

}  // namespace cop::load
