#pragma once

// The emit stage: Kubernetes objects -> text. A multi-document YAML stream (the form kubectl
// and GitOps tools read) or a JSON List. Output is a pure function of the objects: same
// objects, same bytes.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cop::emit {

using Object = nlohmann::ordered_json;

// One YAML document per object, each starting with "---".
std::string toYamlStream(const std::vector<Object>& objects);

// {"apiVersion": "v1", "kind": "List", "items": [...]}, indented, ending in a newline.
std::string toJsonList(const std::vector<Object>& objects);

// One value as block YAML (used by toYamlStream; exposed for tests).
std::string toYaml(const Object& value);

}  // namespace cop::emit
