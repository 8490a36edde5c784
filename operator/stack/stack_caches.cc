#include "operator/stack/stack_caches.h"

#include <algorithm>

#include "operator/stack/stack_spec.h"

namespace cop::stack {

namespace {

// The kinds translate/translator.cc emits (kKindOrder), with their group/version.
constexpr std::pair<std::string_view, std::string_view> kManagedKinds[] = {
    {"v1", "ServiceAccount"},   {"v1", "Secret"},
    {"v1", "ConfigMap"},        {"v1", "PersistentVolumeClaim"},
    {"v1", "Service"},          {"apps/v1", "Deployment"},
    {"apps/v1", "StatefulSet"}, {"apps/v1", "DaemonSet"},
    {"batch/v1", "Job"},        {"networking.k8s.io/v1", "NetworkPolicy"},
};

client::ApiResource builtin(std::string_view apiVersion, std::string_view kind) {
  const std::size_t slash = apiVersion.find('/');
  const std::string group(slash == std::string_view::npos ? "" : apiVersion.substr(0, slash));
  const std::string version(slash == std::string_view::npos ? apiVersion
                                                            : apiVersion.substr(slash + 1));
  // Copied: the map is a temporary.
  return *client::builtinResourceMap().forKind(group, version, kind);
}

}  // namespace

std::vector<client::ApiResource> managedResources() {
  std::vector<client::ApiResource> out;
  for (const auto& [apiVersion, kind] : kManagedKinds) {
    out.push_back(builtin(apiVersion, kind));
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
  static const client::ApiResource resource = builtin("v1", "Pod");
  return resource;
}

bool needsFullObjects(const std::string& kind) {
  return kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" || kind == "Job" ||
         kind == "Pod";
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
