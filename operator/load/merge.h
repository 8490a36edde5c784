#pragma once

// Compose's merge rules (Compose Specification, "Merge and override"), used both for several
// `-f` files and for `extends`: mappings merge recursively with the later value winning,
// sequences append, `command`/`entrypoint`/`healthcheck.test`/`profiles` are replaced,
// environment-like lists merge by key, ports/volumes/secrets/configs merge by their unique
// key, and the `!reset` / `!override` tags clear or replace a value.

#include "operator/load/yaml_node.h"

namespace cop::load {

// Merges a whole compose file `over` into `base`.
void mergeComposeDocuments(Node& base, const Node& over);

// Merges one service definition `over` into `base` (extends: base = the extended service).
void mergeService(Node& base, const Node& over);

// After all merging: drops values tagged !reset and clears the !override tags.
void settleTags(Node& node);

// Rewrites an environment-like value (a `KEY=VALUE` list or a mapping) as a mapping;
// key-only list entries become null values.
Node toMapping(const Node& value, char separator = '=');

}  // namespace cop::load
