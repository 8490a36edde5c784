#pragma once

// What docker compose makes of an unquoted YAML scalar where it wants a string (environment,
// labels, annotations, sysctls). Its YAML decoder (go-yaml) types a plain scalar first, and
// compose then prints the typed value back: `0755` is the octal integer 493, `1.50` is the
// float 1.5, `True` is the boolean true, `2024-01-01` is a timestamp. The container receives
// that printed text, so the loader must produce the same string.

#include <optional>
#include <string>
#include <string_view>

#include "operator/load/yaml_node.h"

namespace cop::load {

struct ComposeString {
  std::string text;
  // True when docker compose itself would print something else (a full timestamp, whose text
  // depends on its time zone): the loader keeps the text as written and warns.
  bool differsFromCompose = false;
};

// The string docker compose passes for a scalar value: the text as written for a quoted
// scalar or a plain one that YAML reads as a string; the printed typed value otherwise.
ComposeString composeStringOf(const Node& scalar);

// Whether a plain (unquoted) scalar is, to YAML, a number or a boolean rather than a string:
// the compose schema refuses one where it wants a string (`image: 5`).
bool isPlainNonString(const Node& scalar);

}  // namespace cop::load
