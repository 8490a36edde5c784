#pragma once

// Typed, path-aware reads from a YAML mapping. Every failure names the file, the line and the
// compose path of the field, and a mapping can be checked for keys nobody asked for (typos
// such as `enviroment` are errors, as in the compose schema).

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "operator/common/diagnostic.h"
#include "operator/load/node_path.h"
#include "operator/load/yaml_node.h"

namespace cop::load {

// An error located at a node.
Unexpected<Error> failAt(const Node& node, const std::string& path, std::string message);

// Scalar conversions with compose's leniency (YAML 1.1 and 1.2 booleans; integers may be
// written in octal with a leading 0 for file modes).
Result<std::string> asString(const Node& node, const std::string& path);
Result<bool> asBool(const Node& node, const std::string& path);
Result<std::int64_t> asInt(const Node& node, const std::string& path, std::int64_t min,
                           std::int64_t max);
Result<std::uint32_t> asFileMode(const Node& node, const std::string& path);
Result<std::int64_t> asDurationMs(const Node& node, const std::string& path);
Result<std::int64_t> asBytes(const Node& node, const std::string& path);
// A string, or a list of strings.
Result<std::vector<std::string>> asStringList(const Node& node, const std::string& path);

class MappingReader {
 public:
  // Fails unless node is a mapping (or null, read as an empty mapping).
  static Result<MappingReader> open(const Node& node, std::string path);

  const std::string& path() const { return path_; }
  const Node& node() const { return *node_; }
  std::string pathOf(std::string_view key) const { return childPath(path_, key); }

  // Looks a key up and marks it as known; nullptr when absent or null.
  const Node* get(std::string_view key);
  bool has(std::string_view key) const;

  Result<std::optional<std::string>> string(std::string_view key);
  Result<std::optional<bool>> boolean(std::string_view key);
  Result<std::optional<std::int64_t>> integer(std::string_view key, std::int64_t min,
                                              std::int64_t max);
  Result<std::optional<std::int64_t>> durationMs(std::string_view key);
  Result<std::optional<std::int64_t>> bytes(std::string_view key);
  Result<std::vector<std::string>> stringList(std::string_view key);

  // Marks keys as known without reading them (handled elsewhere, or ignored on purpose).
  void accept(std::initializer_list<std::string_view> keys);

  // Fails on the first key that was neither read nor accepted, except `x-` extensions.
  Status rejectUnknown(std::string_view what);

  Unexpected<Error> failKey(std::string_view key, std::string message) const;

 private:
  MappingReader(const Node& node, std::string path) : node_(&node), path_(std::move(path)) {}

  const Node* node_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
};

}  // namespace cop::load
