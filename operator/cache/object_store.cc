#include "operator/cache/object_store.h"

#include <algorithm>

#include "operator/client/json_fields.h"

namespace cop::cache {
namespace {

using client::fieldAt;
using client::objectAt;
using client::stringAt;

// The index values of an object. Label keys cannot hold '=' (a qualified name), so
// "label:key=value" is unambiguous.
std::vector<std::string> indexValues(const nlohmann::json& object) {
  std::vector<std::string> values;
  const nlohmann::json* metadata = objectAt(object, "metadata");
  if (metadata == nullptr) {
    return values;
  }
  values.push_back("ns:" + stringAt(*metadata, "namespace"));
  if (const nlohmann::json* owners = fieldAt(*metadata, "ownerReferences");
      owners != nullptr && owners->is_array()) {
    for (const nlohmann::json& owner : *owners) {
      if (const std::string uid = stringAt(owner, "uid"); !uid.empty()) {
        values.push_back("owner:" + uid);
      }
    }
  }
  if (const nlohmann::json* labels = objectAt(*metadata, "labels")) {
    for (const auto& [key, value] : labels->items()) {
      if (value.is_string()) {
        values.push_back("label:" + key + "=" + value.get<std::string>());
      }
    }
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace

std::string objectKey(const nlohmann::json& object) {
  const nlohmann::json* metadata = objectAt(object, "metadata");
  const std::string name = metadata != nullptr ? stringAt(*metadata, "name") : std::string();
  if (name.empty()) {
    return {};
  }
  const std::string nameSpace = stringAt(*metadata, "namespace");
  return nameSpace.empty() ? name : nameSpace + "/" + name;
}

void stripManagedFields(nlohmann::json& object) {
  if (!object.is_object()) {
    return;
  }
  const auto metadata = object.find("metadata");
  if (metadata != object.end() && metadata->is_object()) {
    metadata->erase("managedFields");
  }
}

StoreEvent ObjectStore::insertLocked(std::string key, nlohmann::json object) {
  stripManagedFields(object);
  StoreEvent event;
  event.key = key;
  event.object = std::make_shared<const nlohmann::json>(std::move(object));
  const auto existing = objects_.find(key);
  if (existing != objects_.end()) {
    event.type = StoreEvent::Type::Updated;
    event.previous = existing->second.object;
    unindexLocked(key, existing->second.indexValues);
  }
  Entry entry{event.object, indexValues(*event.object)};
  for (const std::string& value : entry.indexValues) {
    index_[value].insert(key);
  }
  objects_.insert_or_assign(std::move(key), std::move(entry));
  return event;
}

void ObjectStore::unindexLocked(const std::string& key,
                                const std::vector<std::string>& indexValues) {
  for (const std::string& value : indexValues) {
    const auto bucket = index_.find(value);
    bucket->second.erase(key);
    if (bucket->second.empty()) {
      index_.erase(bucket);  // no empty buckets: the index holds only cached keys
    }
  }
}

StoreEvent ObjectStore::eraseLocked(std::map<std::string, Entry>::iterator entry) {
  unindexLocked(entry->first, entry->second.indexValues);
  StoreEvent event{StoreEvent::Type::Deleted, entry->first, entry->second.object, nullptr};
  objects_.erase(entry);
  return event;
}

std::optional<StoreEvent> ObjectStore::apply(nlohmann::json object) {
  std::string key = objectKey(object);
  if (key.empty()) {
    return std::nullopt;
  }
  const std::lock_guard lock(mutex_);
  return insertLocked(std::move(key), std::move(object));
}

std::optional<StoreEvent> ObjectStore::remove(const nlohmann::json& object) {
  const std::string key = objectKey(object);
  const std::lock_guard lock(mutex_);
  const auto entry = objects_.find(key);
  if (entry == objects_.end()) {
    return std::nullopt;
  }
  return eraseLocked(entry);
}

std::vector<StoreEvent> ObjectStore::replace(std::vector<nlohmann::json> objects) {
  std::vector<StoreEvent> events;
  std::set<std::string> listed;
  const std::lock_guard lock(mutex_);
  for (nlohmann::json& object : objects) {
    std::string key = objectKey(object);
    if (key.empty()) {
      continue;
    }
    listed.insert(key);
    events.push_back(insertLocked(std::move(key), std::move(object)));
  }
  for (auto entry = objects_.begin(); entry != objects_.end();) {
    const auto next = std::next(entry);
    if (!listed.contains(entry->first)) {
      events.push_back(eraseLocked(entry));
    }
    entry = next;
  }
  return events;
}

ObjectPtr ObjectStore::get(const std::string& key) const {
  const std::lock_guard lock(mutex_);
  const auto entry = objects_.find(key);
  return entry != objects_.end() ? entry->second.object : nullptr;
}

std::vector<ObjectPtr> ObjectStore::list() const {
  const std::lock_guard lock(mutex_);
  std::vector<ObjectPtr> result;
  result.reserve(objects_.size());
  for (const auto& [key, entry] : objects_) {
    result.push_back(entry.object);
  }
  return result;
}

std::vector<ObjectPtr> ObjectStore::lookupLocked(const std::string& indexValue) const {
  std::vector<ObjectPtr> result;
  const auto bucket = index_.find(indexValue);
  if (bucket == index_.end()) {
    return result;
  }
  for (const std::string& key : bucket->second) {
    result.push_back(objects_.at(key).object);
  }
  return result;
}

std::vector<ObjectPtr> ObjectStore::byNamespace(const std::string& nameSpace) const {
  const std::lock_guard lock(mutex_);
  return lookupLocked("ns:" + nameSpace);
}

std::vector<ObjectPtr> ObjectStore::byOwnerUid(const std::string& uid) const {
  const std::lock_guard lock(mutex_);
  return lookupLocked("owner:" + uid);
}

std::vector<ObjectPtr> ObjectStore::byLabel(const std::string& key,
                                            const std::string& value) const {
  const std::lock_guard lock(mutex_);
  return lookupLocked("label:" + key + "=" + value);
}

std::size_t ObjectStore::size() const {
  const std::lock_guard lock(mutex_);
  return objects_.size();
}

}  // namespace cop::cache
