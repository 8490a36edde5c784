#pragma once

// What one load may materialise, counted across every file it reads and every copy it makes.
// A 2 MiB file can describe far more than 2 MiB: aliases copy subtrees, interpolation copies
// variables into values (and variables into each other), `extends` copies a base service into
// every service that names it, `include` and `env_file` read further files. Each of these
// charges the one budget of its load, so the whole load stays within a fixed amount of text
// and nodes however the input combines them, and the first step to cross it fails with a
// clear error instead of exhausting memory.

#include <cstddef>
#include <string>

#include "operator/common/diagnostic.h"
#include "operator/load/source_reader.h"
#include "operator/load/yaml_node.h"

namespace cop::load {

class LoadBudget {
 public:
  explicit LoadBudget(const YamlLimits& limits) : limits_(limits) {}

  // Adds `nodes` tree nodes and `bytes` bytes of text; fails once either total is over its
  // limit. `what` says what was being materialised ("aliases", "interpolation", ...).
  Status charge(std::size_t nodes, std::size_t bytes, std::string_view what);

  // Charges the size of a subtree that is about to be copied.
  Status chargeCopy(const Node& node, std::string_view what);

  std::size_t nodes() const { return nodes_; }
  std::size_t bytes() const { return bytes_; }
  const YamlLimits& limits() const { return limits_; }

 private:
  const YamlLimits& limits_;
  std::size_t nodes_ = 0;
  std::size_t bytes_ = 0;
};

// Nodes and bytes of text (scalars and keys) in a subtree.
struct TreeSize {
  std::size_t nodes = 0;
  std::size_t bytes = 0;
};
TreeSize measure(const Node& node);

// A SourceReader that charges every byte it reads to a budget: env files named by 2,000
// services, or one file included a thousand times, cost what they materialise.
class BudgetedReader final : public SourceReader {
 public:
  BudgetedReader(const SourceReader& inner, LoadBudget& budget) : inner_(inner), budget_(budget) {}

  // SourceReader
  Expected<std::string, ReadError> read(const std::string& path,
                                        std::size_t maxBytes) const override;

 private:
  const SourceReader& inner_;
  LoadBudget& budget_;
};

}  // namespace cop::load
