#include "operator/load/load_budget.h"

namespace cop::load {

Status LoadBudget::charge(std::size_t nodes, std::size_t bytes, std::string_view what) {
  nodes_ += nodes;
  bytes_ += bytes;
  if (nodes_ > limits_.maxNodes) {
    return fail("the stack expands to more than " + std::to_string(limits_.maxNodes) +
                " YAML nodes (counting " + std::string(what) +
                ", and every file, alias and extends copy); refusing to load it");
  }
  if (bytes_ > limits_.maxExpandedBytes) {
    return fail("the stack expands to more than " + std::to_string(limits_.maxExpandedBytes) +
                " bytes of text (counting " + std::string(what) +
                ", and every file, alias, interpolation and extends copy); refusing to load it");
  }
  return {};
}

Status LoadBudget::chargeCopy(const Node& node, std::string_view what) {
  const TreeSize size = measure(node);
  return charge(size.nodes, size.bytes, what);
}

TreeSize measure(const Node& node) {
  TreeSize size{1, node.text().size()};
  for (const Node& item : node.items()) {
    const TreeSize child = measure(item);
    size.nodes += child.nodes;
    size.bytes += child.bytes;
  }
  for (const auto& entry : node.entries()) {
    const TreeSize child = measure(entry.value);
    size.nodes += child.nodes + 1;  // the key is a node of the document too
    size.bytes += child.bytes + entry.key.size();
  }
  return size;
}

Expected<std::string, ReadError> BudgetedReader::read(const std::string& path,
                                                      std::size_t maxBytes) const {
  auto text = inner_.read(path, maxBytes);
  if (!text) {
    return text;
  }
  if (auto charged = budget_.charge(0, text->size(), "files read"); !charged) {
    return Unexpected(ReadError{ReadFailure::kOverBudget, charged.error().message});
  }
  return text;
}

}  // namespace cop::load
