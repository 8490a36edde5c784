#pragma once

// Which compose files a project is made of when no -f is given, as `docker compose` finds
// them (compose-go cli.WithDefaultConfigPath): the first of compose's default names in the
// working directory or, failing that, in the nearest parent directory that has one; then the
// first override file of the same directory, merged over it.

#include <functional>
#include <string>
#include <vector>

namespace cop::load {

// compose's default names, in its order of preference.
inline constexpr const char* kDefaultComposeFiles[] = {"compose.yaml", "compose.yml",
                                                       "docker-compose.yml", "docker-compose.yaml"};
inline constexpr const char* kDefaultOverrideFiles[] = {
    "compose.override.yml", "compose.override.yaml", "docker-compose.override.yml",
    "docker-compose.override.yaml"};

// `isFile(path)` says whether a regular file is there (the caller owns the filesystem).
// `parents` lists the directories above the working directory, nearest first, as paths the
// caller can read ("..", "../..", ...). Returns the files, relative to the working directory
// ("compose.yaml", "../compose.yaml", "compose.override.yml"); empty when none is found.
std::vector<std::string> discoverComposeFiles(
    const std::vector<std::string>& parents, const std::function<bool(const std::string&)>& isFile);

}  // namespace cop::load
