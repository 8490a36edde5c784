#pragma once

// The loader's own YAML tree, built from yaml-cpp's parser events (yaml-cpp's node tree is
// never built: it is slow and large on hostile input). We own the tree because every later
// step (interpolation, merging, extends) rewrites values, and the builder is where limits are
// enforced: alias bombs expand there, so there we count.
//
// Scalars stay text: compose types a value only after interpolation (`replicas: ${N}`), so
// the typed model (compose_model.h) converts per field.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "operator/common/diagnostic.h"

namespace cop::load {

// Where a node came from; the file name is shared by every node of one file.
struct Mark {
  std::shared_ptr<const std::string> file;
  int line = 0;  // 1-based; 0 = unknown

  const std::string& fileName() const;
};

class Node {
 public:
  enum class Kind { kNull, kScalar, kSequence, kMapping };

  struct MapEntry;

  Node() = default;
  static Node null(Mark mark = {});
  static Node scalar(std::string text, Mark mark = {}, bool quoted = false);
  static Node sequence(Mark mark = {});
  static Node mapping(Mark mark = {});

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::kNull; }
  bool isScalar() const { return kind_ == Kind::kScalar; }
  bool isSequence() const { return kind_ == Kind::kSequence; }
  bool isMapping() const { return kind_ == Kind::kMapping; }

  // Scalars.
  const std::string& text() const { return text_; }
  void setText(std::string text) { text_ = std::move(text); }
  bool quoted() const { return quoted_; }
  // An interpolated value is a string, whatever it looks like (compose types it as one).
  void setQuoted(bool quoted) { quoted_ = quoted; }

  // Custom tags that compose gives meaning to (`!reset`, `!override`); empty otherwise.
  const std::string& tag() const { return tag_; }
  void setTag(std::string tag) { tag_ = std::move(tag); }

  const Mark& mark() const { return mark_; }
  void setMark(Mark mark) { mark_ = std::move(mark); }

  // Sequences.
  std::vector<Node>& items() { return items_; }
  const std::vector<Node>& items() const { return items_; }

  // Mappings keep their keys in document order.
  std::vector<MapEntry>& entries() { return entries_; }
  const std::vector<MapEntry>& entries() const { return entries_; }
  const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
  // Sets key to value, replacing an existing entry in place or appending a new one.
  void set(std::string key, Node value);
  bool erase(std::string_view key);

  // A short word for error messages: "a mapping", "a string", ...
  std::string describe() const;

 private:
  Kind kind_ = Kind::kNull;
  std::string text_;
  bool quoted_ = false;
  std::string tag_;
  Mark mark_;
  std::vector<Node> items_;
  std::vector<MapEntry> entries_;
};

struct Node::MapEntry {
  std::string key;
  Node value;
  // The key was a plain YAML number or boolean (`2048:`), not a string: compose refuses one
  // where it wants a name.
  bool keyNotString = false;
};

// Bounds that keep hostile input cheap: every limit gives a clear error, never a crash.
// (maxServices is checked by the loader, on each file's `services`.)
struct YamlLimits {
  std::size_t maxBytes = 2 * 1024 * 1024;  // compose files are kilobytes; 2 MiB is generous
  // Counted for the whole load, after alias expansion (billion laughs), across every file
  // and every copy that extends makes (load_budget.h).
  std::size_t maxNodes = 250'000;
  // Text the whole load may materialise: files read, alias copies, interpolated values and
  // extends copies. A real stack is well under 1 MiB; 16 MiB keeps the translated and
  // emitted output of a stack at the limit within 256 MiB of memory.
  std::size_t maxExpandedBytes = 16 * 1024 * 1024;
  int maxDepth = 200;  // compose needs about 10 levels
  // Services per file: Kubernetes' scalability thresholds test 2,000 Deployments per
  // namespace, and a stack lives in one namespace.
  std::size_t maxServices = 2000;
  // Entries of one field of a service (labels, environment with its env files, ports, ...).
  // Real services have tens; Kubernetes caps a pod's annotations at 256 KiB and an object at
  // 1.5 MiB in etcd, which a few thousand entries already approach. The bound keeps the
  // translator's per-entry work (keyed JSON objects) far from quadratic blow-ups.
  std::size_t maxEntries = 4096;
};

// Parses one YAML document. Duplicate keys and non-scalar keys are errors; `<<` merge keys
// are applied (explicit keys win); anchors and aliases are expanded into copies.
// Nodes and text are charged to `budget`, the load's (a budget of its own when null).
class LoadBudget;
Result<Node> parseYaml(std::string_view text, const std::string& fileName,
                       const YamlLimits& limits = {}, LoadBudget* budget = nullptr);

}  // namespace cop::load
