#pragma once

// The translate stage: typed compose Project -> Kubernetes objects, hardened by default.
// Pure: no filesystem, no environment, no clock. The same input gives the same objects in
// the same order.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "operator/common/diagnostic.h"
#include "operator/load/compose_model.h"

namespace cop::translate {

using Object = nlohmann::ordered_json;

enum class SecurityProfile { kRestricted, kBaseline };

struct TranslateOptions {
  std::string namespaceName;  // empty: objects carry no namespace
  SecurityProfile profile = SecurityProfile::kRestricted;
  std::map<std::string, std::string> images;  // compose service -> image (--image)
  // Relative bind mounts of small files become ConfigMaps (the convert command has the
  // files); the operator turns this off.
  bool allowBindFiles = true;
};

Result<std::vector<Object>> translate(const load::Project& project, const TranslateOptions& options,
                                      Warnings& warnings);

}  // namespace cop::translate
