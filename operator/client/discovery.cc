#include "operator/client/discovery.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "operator/client/json_fields.h"

namespace cop::client {
namespace {

// apidiscovery.k8s.io types (k8s.io/api/apidiscovery/v2/types.go).
constexpr std::string_view kAggregatedListKind = "APIGroupDiscoveryList";
constexpr std::string_view kResourceListKind = "APIResourceList";
constexpr std::string_view kNamespacedScope = "Namespaced";

std::vector<std::string> stringsAt(const nlohmann::json& object, const char* key) {
  std::vector<std::string> out;
  const nlohmann::json* array = fieldAt(object, key);
  if (array == nullptr || !array->is_array()) {
    return out;
  }
  for (const nlohmann::json& item : *array) {
    if (item.is_string()) {
      out.push_back(item.get<std::string>());
    }
  }
  return out;
}

const nlohmann::json& arrayAt(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const nlohmann::json* array = fieldAt(object, key);
  return array != nullptr && array->is_array() ? *array : kEmpty;
}

Result<nlohmann::json> parseKind(std::string_view body, std::string_view kind) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return fail("the discovery document is not a JSON object");
  }
  if (stringAt(parsed, "kind") != kind) {
    return fail("the discovery document is not an " + std::string(kind));
  }
  return parsed;
}

}  // namespace

std::pair<std::string, std::string> splitGroupVersion(std::string_view groupVersion) {
  const std::size_t slash = groupVersion.find('/');
  if (slash == std::string_view::npos) {
    return {std::string(), std::string(groupVersion)};
  }
  return {std::string(groupVersion.substr(0, slash)), std::string(groupVersion.substr(slash + 1))};
}

std::string ApiResource::groupVersion() const {
  return group.empty() ? version : group + "/" + version;
}

bool ApiResource::hasVerb(std::string_view verb) const {
  return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

bool ApiResource::hasSubresource(std::string_view name) const {
  return std::find(subresources.begin(), subresources.end(), name) != subresources.end();
}

void ResourceMap::add(ApiResource resource) {
  const std::size_t index = resources_.size();
  Key resourceKey{resource.group, resource.version, resource.resource};
  if (byResource_.count(resourceKey) != 0) {
    return;  // listed twice: the first entry stands
  }
  byResource_.emplace(std::move(resourceKey), index);
  byKind_.emplace(Key{resource.group, resource.version, resource.kind}, index);
  byGroupKind_.emplace(std::pair{resource.group, resource.kind}, index);
  resources_.push_back(std::move(resource));
}

const ApiResource* ResourceMap::forKind(std::string_view group, std::string_view version,
                                        std::string_view kind) const {
  const auto it = byKind_.find(Key{std::string(group), std::string(version), std::string(kind)});
  return it != byKind_.end() ? &resources_[it->second] : nullptr;
}

const ApiResource* ResourceMap::forResource(std::string_view group, std::string_view version,
                                            std::string_view resource) const {
  const auto it =
      byResource_.find(Key{std::string(group), std::string(version), std::string(resource)});
  return it != byResource_.end() ? &resources_[it->second] : nullptr;
}

const ApiResource* ResourceMap::forGroupKind(std::string_view group, std::string_view kind) const {
  const auto it = byGroupKind_.find(std::pair{std::string(group), std::string(kind)});
  return it != byGroupKind_.end() ? &resources_[it->second] : nullptr;
}

Status addAggregatedDiscovery(ResourceMap& map, std::string_view body) {
  COP_ASSIGN_OR_RETURN(list, parseKind(body, kAggregatedListKind));
  for (const nlohmann::json& group : arrayAt(list, "items")) {
    std::string groupName;
    if (const nlohmann::json* metadata = fieldAt(group, "metadata")) {
      groupName = stringAt(*metadata, "name");  // "" for the core group (/api)
    }
    for (const nlohmann::json& version : arrayAt(group, "versions")) {
      const std::string versionName = stringAt(version, "version");
      if (versionName.empty()) {
        continue;
      }
      for (const nlohmann::json& entry : arrayAt(version, "resources")) {
        ApiResource resource;
        resource.group = groupName;
        resource.version = versionName;
        resource.resource = stringAt(entry, "resource");
        if (const nlohmann::json* responseKind = fieldAt(entry, "responseKind")) {
          resource.kind = stringAt(*responseKind, "kind");
        }
        if (resource.resource.empty() || resource.kind.empty()) {
          continue;
        }
        resource.singular = stringAt(entry, "singularResource");
        resource.namespaced = stringAt(entry, "scope") == kNamespacedScope;
        resource.verbs = stringsAt(entry, "verbs");
        resource.shortNames = stringsAt(entry, "shortNames");
        for (const nlohmann::json& sub : arrayAt(entry, "subresources")) {
          std::string name = stringAt(sub, "subresource");
          if (!name.empty()) {
            resource.subresources.push_back(std::move(name));
          }
        }
        map.add(std::move(resource));
      }
    }
  }
  return {};
}

Status addResourceList(ResourceMap& map, std::string_view body) {
  COP_ASSIGN_OR_RETURN(list, parseKind(body, kResourceListKind));
  auto [group, version] = splitGroupVersion(stringAt(list, "groupVersion"));
  if (version.empty()) {
    return fail("the APIResourceList names no groupVersion");
  }
  std::vector<ApiResource> resources;
  std::vector<std::pair<std::string, std::string>> subresources;  // (parent, sub)
  for (const nlohmann::json& entry : arrayAt(list, "resources")) {
    const std::string name = stringAt(entry, "name");
    const std::size_t slash = name.find('/');
    if (slash != std::string::npos) {
      subresources.emplace_back(name.substr(0, slash), name.substr(slash + 1));
      continue;
    }
    ApiResource resource;
    resource.group = group;
    resource.version = version;
    resource.resource = name;
    resource.kind = stringAt(entry, "kind");
    if (resource.resource.empty() || resource.kind.empty()) {
      continue;
    }
    resource.singular = stringAt(entry, "singularName");
    const auto namespaced = entry.find("namespaced");
    resource.namespaced =
        namespaced != entry.end() && namespaced->is_boolean() && namespaced->get<bool>();
    resource.verbs = stringsAt(entry, "verbs");
    resource.shortNames = stringsAt(entry, "shortNames");
    resources.push_back(std::move(resource));
  }
  for (const auto& [parent, sub] : subresources) {
    for (ApiResource& resource : resources) {
      if (resource.resource == parent && !sub.empty()) {
        resource.subresources.push_back(sub);
      }
    }
  }
  for (ApiResource& resource : resources) {
    map.add(std::move(resource));
  }
  return {};
}

ResourceMap builtinResourceMap() {
  // Verbs of a standard built-in resource (kubectl api-resources -o wide on 1.34+).
  const std::vector<std::string> kAll = {"create", "delete", "deletecollection", "get",
                                         "list",   "patch",  "update",           "watch"};
  struct Row {
    const char* group;
    const char* version;
    const char* resource;
    const char* kind;
    const char* singular;
    bool namespaced;
    bool status;
  };
  // k8s.io/api types; status only where the resource serves /status.
  constexpr Row kRows[] = {
      {"", "v1", "namespaces", "Namespace", "namespace", false, true},
      {"", "v1", "serviceaccounts", "ServiceAccount", "serviceaccount", true, false},
      {"", "v1", "secrets", "Secret", "secret", true, false},
      {"", "v1", "configmaps", "ConfigMap", "configmap", true, false},
      {"", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", "persistentvolumeclaim", true,
       true},
      {"", "v1", "services", "Service", "service", true, true},
      {"", "v1", "pods", "Pod", "pod", true, true},
      {"", "v1", "events", "Event", "event", true, false},
      {"events.k8s.io", "v1", "events", "Event", "event", true, false},
      {"apps", "v1", "deployments", "Deployment", "deployment", true, true},
      {"apps", "v1", "daemonsets", "DaemonSet", "daemonset", true, true},
      {"apps", "v1", "statefulsets", "StatefulSet", "statefulset", true, true},
      {"batch", "v1", "jobs", "Job", "job", true, true},
      {"networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", "networkpolicy", true, false},
      {"coordination.k8s.io", "v1", "leases", "Lease", "lease", true, false},
  };
  ResourceMap map;
  for (const Row& row : kRows) {
    ApiResource resource{row.group,      row.version, row.resource, row.kind, row.singular,
                         row.namespaced, kAll,        {},           {}};
    if (row.status) {
      resource.subresources.push_back("status");
    }
    map.add(std::move(resource));
  }
  return map;
}

}  // namespace cop::client
