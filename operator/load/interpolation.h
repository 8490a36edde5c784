#pragma once

// Compose variable interpolation (Compose Specification, "Interpolation"): $VAR, ${VAR},
// ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+alternative},
// ${VAR+alternative}, nesting inside the default/alternative/error text, and $$ for a literal
// dollar. Values only, never keys; each file is interpolated before files are merged.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "operator/common/diagnostic.h"
#include "operator/load/yaml_node.h"

namespace cop::load {

// Returns the value of a variable, or nullopt when it is unset (unset differs from empty).
using VariableLookup = std::function<std::optional<std::string>(const std::string&)>;

class LoadBudget;

// Interpolates one string. Unset variables without a default become "" and add their name to
// `unset` (the caller warns once per name). The error of a failed ${VAR:?msg} carries msg.
// With a budget, one value may grow to at most the budget's file limit (variables that expand
// to each other double at every step), and the growth is charged to the budget.
Result<std::string> interpolate(std::string_view text, const VariableLookup& lookup,
                                std::map<std::string, int>* unset = nullptr,
                                LoadBudget* budget = nullptr);

// Interpolates every scalar value of a tree in place. `path` names the tree's root for
// errors ("" at the top of a file). Every variable whose value was substituted is added to
// `substituted` (name -> value) when given: messages must never quote those values.
Status interpolateTree(Node& node, const VariableLookup& lookup, const std::string& path,
                       Warnings& warnings, LoadBudget* budget = nullptr,
                       std::map<std::string, std::string>* substituted = nullptr);

}  // namespace cop::load
