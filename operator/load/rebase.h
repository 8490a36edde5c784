#pragma once

// Rewrites the relative host paths inside a service or a whole document when it moves from
// one directory context to another (a service pulled in by `extends` from another file, an
// `include`d file), so that every path stays relative to the project directory.

#include <string>

#include "operator/load/yaml_node.h"

namespace cop::load {

// Paths in `service` are relative to `fromDir`; afterwards they are relative to `toDir`.
void rebaseServicePaths(Node& service, const std::string& fromDir, const std::string& toDir);

// The same for every service and every top-level secret and config `file`.
void rebaseDocumentPaths(Node& document, const std::string& fromDir, const std::string& toDir);

}  // namespace cop::load
