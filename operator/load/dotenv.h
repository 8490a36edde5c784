#pragma once

// Parser for env files (`.env`, `--env-file`, a service's `env_file`), following compose:
// `KEY=VALUE` lines, optional `export `, `#` comments (inline only after whitespace),
// single quotes literal, double quotes with escapes and interpolation, unquoted values
// interpolated, multi-line quoted values, and key-only lines taken from the environment.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "operator/common/diagnostic.h"
#include "operator/load/interpolation.h"

namespace cop::load {

using EnvList = std::vector<std::pair<std::string, std::string>>;

// `lookup` resolves ${VAR} in values and key-only lines, before the file's own earlier keys
// (a variable of the environment wins everywhere, as in compose).
// With `raw`, values are taken verbatim (compose's `format: raw`).
class LoadBudget;

// Values (after interpolation) are charged to `budget` when one is given.
Result<EnvList> parseDotenv(std::string_view text, const std::string& fileName,
                            const VariableLookup& lookup, bool raw = false,
                            LoadBudget* budget = nullptr);

}  // namespace cop::load
