#pragma once

// A thread-safe cache of one kind's objects (kube-runtime.md §2.1/§2.2): keyed "namespace/name"
// ("name" when cluster-scoped), indexed by namespace, owner UID and label, holding immutable
// shared objects with metadata.managedFields stripped (§3.2). A relist is applied as a replace:
// what the new list lacks is deleted, with a delete event each (§2.1 DeltaFIFO Replace, §2.2
// InitDone; kubernetes-client/javascript#494, §9).

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace cop::cache {

using ObjectPtr = std::shared_ptr<const nlohmann::json>;

struct StoreEvent {
  enum class Type { Added, Updated, Deleted };
  Type type = Type::Added;
  std::string key;
  ObjectPtr object;    // the new object; for Deleted the last one known
  ObjectPtr previous;  // for Updated: the object replaced
};

// "namespace/name", or "name" for a cluster-scoped object (client-go MetaNamespaceKeyFunc).
// Empty when the object has no metadata.name.
std::string objectKey(const nlohmann::json& object);

// Removes metadata.managedFields (controller-runtime TransformStripManagedFields, §3.2).
void stripManagedFields(nlohmann::json& object);

class ObjectStore {
 public:
  // Inserts or replaces the object (ADDED/MODIFIED). No event for an object without a name.
  std::optional<StoreEvent> apply(nlohmann::json object);
  // Removes it (DELETED); no event when it was not cached.
  std::optional<StoreEvent> remove(const nlohmann::json& object);
  // A relist: the store becomes exactly `objects`. Events: Added/Updated for each listed object,
  // then Deleted for every cached key the list lacks (with its last known state).
  std::vector<StoreEvent> replace(std::vector<nlohmann::json> objects);

  ObjectPtr get(const std::string& key) const;
  std::vector<ObjectPtr> list() const;
  std::vector<ObjectPtr> byNamespace(const std::string& nameSpace) const;
  std::vector<ObjectPtr> byOwnerUid(const std::string& uid) const;
  std::vector<ObjectPtr> byLabel(const std::string& key, const std::string& value) const;
  std::size_t size() const;

 private:
  struct Entry {
    ObjectPtr object;
    std::vector<std::string> indexValues;  // every index key this entry is filed under
  };

  StoreEvent insertLocked(std::string key, nlohmann::json object);
  // Removes `key` from the index buckets `indexValues`.
  void unindexLocked(const std::string& key, const std::vector<std::string>& indexValues);
  StoreEvent eraseLocked(std::map<std::string, Entry>::iterator entry);
  std::vector<ObjectPtr> lookupLocked(const std::string& indexValue) const;

  mutable std::mutex mutex_;
  std::map<std::string, Entry> objects_;  // sorted keys: list() is deterministic
  // One map for all indexes; its keys are prefixed by the index: "ns:", "owner:", "label:".
  std::unordered_map<std::string, std::set<std::string>> index_;
};

}  // namespace cop::cache
