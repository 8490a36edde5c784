#include "operator/stack/source_index.h"

#include "operator/stack/stack_spec.h"

namespace cop::stack {

std::vector<reconcile::Request> SourceIndex::stacksReading(SourceKind kind,
                                                           const std::string& nameSpace,
                                                           const std::string& name) const {
  const std::lock_guard lock(mutex_);
  const auto found = readers_.find({kind, nameSpace, name});
  if (found == readers_.end()) {
    return {};
  }
  return {found->second.begin(), found->second.end()};
}

void SourceIndex::removeLocked(const reconcile::Request& stack) {
  const auto found = sources_.find(stack);
  if (found == sources_.end()) {
    return;
  }
  for (const SourceKey& key : found->second) {
    auto readers = readers_.find(key);
    if (readers != readers_.end()) {
      readers->second.erase(stack);
      if (readers->second.empty()) {
        readers_.erase(readers);
      }
    }
  }
  sources_.erase(found);
}

void SourceIndex::set(const nlohmann::json& stack) {
  const nlohmann::json& metadata = stack.at("metadata");
  const reconcile::Request key{metadata.value("namespace", ""), metadata.value("name", "")};
  std::vector<SourceKey> keys;
  // A spec that does not parse names nothing reliably; the stack is Stalled until fixed, and
  // fixing it is a change of the stack itself.
  if (auto spec = parseStackSpec(stack.value("spec", nlohmann::json())); spec) {
    for (const SourceReference& ref : sourceReferences(*spec)) {
      keys.emplace_back(ref.kind, key.ns, ref.name);
    }
  }
  const std::lock_guard lock(mutex_);
  removeLocked(key);
  for (const SourceKey& source : keys) {
    readers_[source].insert(key);
  }
  sources_[key] = std::move(keys);
}

void SourceIndex::onAdd(const cache::ObjectPtr& object, bool) {
  set(*object);
}

void SourceIndex::onUpdate(const cache::ObjectPtr&, const cache::ObjectPtr& object) {
  set(*object);
}

void SourceIndex::onDelete(const cache::ObjectPtr& object) {
  const nlohmann::json& metadata = object->at("metadata");
  const std::lock_guard lock(mutex_);
  removeLocked({metadata.value("namespace", ""), metadata.value("name", "")});
}

}  // namespace cop::stack
