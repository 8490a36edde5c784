#pragma once

// The load stage: compose files -> typed Project. Follows the Compose Specification: each
// file is parsed, interpolated, has its `extends` and `include` resolved, and is merged into
// the ones before it; then `!reset`/`!override` settle, profiles select the services, and
// every value is typed and checked. It reads files only through the SourceReader and the
// environment only through LoadOptions, so the operator can feed it a custom resource.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "operator/common/diagnostic.h"
#include "operator/load/compose_model.h"
#include "operator/load/source_reader.h"
#include "operator/load/yaml_node.h"

namespace cop::load {

struct LoadOptions {
  std::vector<std::string> files;  // the -f files, in order; the first names the project dir
  // --env-file files; nullopt means `.env` in the project directory, when it exists.
  std::optional<std::vector<std::string>> envFiles;
  // Variables that win over the env files: the process environment for the CLI, values from
  // the custom resource for the operator.
  std::map<std::string, std::string> environment;
  std::vector<std::string> profiles;  // empty: COMPOSE_PROFILES, if set
  std::string projectName;            // explicit name; empty: COMPOSE_PROJECT_NAME, `name:`, ...
  // ... then this (the CLI passes the project directory's real name), then the directory
  // part of the first file's path.
  std::string defaultProjectName;
  YamlLimits limits;
};

Result<Project> loadProject(const LoadOptions& options, const SourceReader& reader,
                            Warnings& warnings);

// The project directory: the first file's directory ("" for a bare file name). Relative paths
// in every file resolve against it, and every file a compose file names must lie below it.
std::string projectDirectory(const LoadOptions& options);

// The files the user named (the -f files and --env-file files): the only ones a load may read
// outside the project directory.
std::vector<std::string> namedFiles(const LoadOptions& options);

// Compose's project-name normalisation: lower case, only [a-z0-9_-], starting with a letter
// or digit. Empty when nothing usable is left.
std::string normalizeProjectName(std::string_view name);

// A project name given by the user (-p) is not normalised but must already be valid, as
// docker compose requires: the error says why. (A `name:` in a file is normalised instead.)
Status checkExplicitProjectName(std::string_view name);

}  // namespace cop::load
