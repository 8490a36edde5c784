#include "operator/stack/stack_caches.h"

#include <algorithm>

#include "operator/client/json_fields.h"
#include "operator/stack/stack_spec.h"

namespace cop::stack {

namespace {

// The kinds translate/translator.cc emits (kKindOrder): group, version, kind.
struct KindName {
  std::string_view group, version, kind;
};
constexpr KindName kManagedKinds[] = {
    {"", "v1", "ServiceAccount"},  {"", "v1", "Secret"},
    {"", "v1", "ConfigMap"},       {"", "v1", "PersistentVolumeClaim"},
    {"", "v1", "Service"},         {"apps", "v1", "Deployment"},
    {"apps", "v1", "StatefulSet"}, {"apps", "v1", "DaemonSet"},
    {"batch", "v1", "Job"},        {"networking.k8s.io", "v1", "NetworkPolicy"},
};

}  // namespace

std::vector<client::ApiResource> managedResources() {
  const client::ResourceMap builtin = client::builtinResourceMap();
  std::vector<client::ApiResource> out;
  for (const KindName& name : kManagedKinds) {
    out.push_back(*builtin.forKind(name.group, name.version, name.kind));
  }
  return out;
}

const client::ApiResource& composeStackResource() {
  static const client::ApiResource resource{
      kGroup,
      kVersion,
      kPlural,
      kKind,
      "composestack",
      true,
      {"get", "list", "watch", "create", "update", "patch", "delete"},
      {"status"},
      {"cs"}};
  return resource;
}

const client::ApiResource& podResource() {
  static const client::ApiResource resource =
      *client::builtinResourceMap().forKind("", "v1", "Pod");
  return resource;
}

bool needsFullObjects(const std::string& kind) {
  return kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" || kind == "Job" ||
         kind == "Pod";
}

std::string labelOf(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* metadata = client::objectAt(object, "metadata");
  const nlohmann::json* labels =
      metadata != nullptr ? client::objectAt(*metadata, "labels") : nullptr;
  return labels != nullptr ? client::stringAt(*labels, std::string(key).c_str()) : std::string();
}

void KindCache::add(cache::Informer& informer, std::string nameSpace) {
  informers_.emplace_back(std::move(nameSpace), &informer);
}

const cache::Informer* KindCache::informerFor(const std::string& nameSpace) const {
  for (const auto& [watched, informer] : informers_) {
    if (watched.empty() || watched == nameSpace) {
      return informer;
    }
  }
  return nullptr;
}

cache::ObjectPtr KindCache::get(const std::string& nameSpace, const std::string& name) const {
  const cache::Informer* informer = informerFor(nameSpace);
  return informer != nullptr ? informer->store().get(nameSpace + "/" + name) : nullptr;
}

std::vector<cache::ObjectPtr> KindCache::byLabel(const std::string& nameSpace,
                                                 const std::string& key,
                                                 const std::string& value) const {
  const cache::Informer* informer = informerFor(nameSpace);
  if (informer == nullptr) {
    return {};
  }
  std::vector<cache::ObjectPtr> out = informer->store().byLabel(key, value);
  std::erase_if(out, [&](const cache::ObjectPtr& object) {
    return object->at("metadata").value("namespace", "") != nameSpace;
  });
  return out;
}

std::vector<cache::ObjectPtr> KindCache::list() const {
  std::vector<cache::ObjectPtr> out;
  for (const auto& [watched, informer] : informers_) {
    auto objects = informer->store().list();
    out.insert(out.end(), objects.begin(), objects.end());
  }
  return out;
}

void KindCache::addEventHandler(const std::shared_ptr<cache::EventHandler>& handler) {
  for (const auto& [watched, informer] : informers_) {
    informer->addEventHandler(handler);
  }
}

const KindCache* StackCaches::kind(const std::string& kind) const {
  const auto found = byKind.find(kind);
  return found != byKind.end() ? &found->second : nullptr;
}

}  // namespace cop::stack
