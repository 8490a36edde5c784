// What each compose service owns and waits for, read from the finished objects: the operator
// applies a service's objects once its dependencies are ready, and reports per service.
//
// An object belongs to a service when it carries the service's label (its workload, Services,
// -env Secret and bind-file ConfigMaps and Secrets), and a claim the stack makes belongs to
// the one service that mounts it. Everything else (the ServiceAccount, top-level secrets and
// configs, claims several services mount, NetworkPolicies) belongs to the stack.

#include <algorithm>
#include <map>
#include <set>

#include "operator/translate/stack_context.h"

namespace cop::translate::detail {

namespace {

DependencyCondition conditionOf(const std::string& condition) {
  if (condition == "service_healthy") {
    return DependencyCondition::kHealthy;
  }
  if (condition == "service_completed_successfully") {
    return DependencyCondition::kCompletedSuccessfully;
  }
  return DependencyCondition::kStarted;  // the loader accepts no other value
}

ObjectRef refOf(const Object& object) {
  return ObjectRef{object.value("apiVersion", ""), object.value("kind", ""),
                   object["metadata"].value("name", "")};
}

// The claims each service's pods mount, by claim name.
std::map<std::string, std::set<std::string>> claimUsers(const StackContext& stack) {
  std::map<std::string, std::set<std::string>> users;
  for (const Object& object : stack.objects) {
    if (!object.contains("spec") || !object["spec"].contains("template")) {
      continue;
    }
    const load::Service* service = stack.serviceOf(object);
    const Object& podSpec = object["spec"]["template"]["spec"];
    if (service == nullptr || !podSpec.contains("volumes")) {
      continue;
    }
    for (const Object& volume : podSpec["volumes"]) {
      if (volume.contains("persistentVolumeClaim")) {
        users[volume["persistentVolumeClaim"].value("claimName", "")].insert(service->name);
      }
    }
  }
  return users;
}

}  // namespace

std::vector<ServiceManifest> serviceManifests(const std::vector<ServiceContext>& services,
                                              const StackContext& stack) {
  std::vector<ServiceManifest> manifests;
  std::map<std::string, std::size_t> byComposeName;
  for (const ServiceContext& svc : services) {
    ServiceManifest manifest;
    manifest.composeName = svc.service.name;
    manifest.name = svc.name;
    manifest.workloadKind = svc.workloadKind;
    for (const load::Dependency& dependency : svc.service.dependsOn) {
      if (stack.project.findService(dependency.service) == nullptr) {
        continue;  // an optional dependency on a disabled service (the loader warned)
      }
      manifest.dependsOn.push_back(ServiceDependency{
          dependency.service, sanitizeName(dependency.service), conditionOf(dependency.condition),
          dependency.required, dependency.restart});
    }
    std::sort(manifest.dependsOn.begin(), manifest.dependsOn.end(),
              [](const ServiceDependency& a, const ServiceDependency& b) {
                return a.name != b.name ? a.name < b.name : a.service < b.service;
              });
    byComposeName.emplace(manifest.composeName, manifests.size());
    manifests.push_back(std::move(manifest));
  }
  const auto users = claimUsers(stack);
  for (const Object& object : stack.objects) {
    const std::string kind = object.value("kind", "");
    const load::Service* owner = nullptr;
    if (kind == "NetworkPolicy") {
      owner = nullptr;  // policies are the stack's, whatever labels they carry
    } else if (kind == "PersistentVolumeClaim") {
      const auto it = users.find(object["metadata"].value("name", ""));
      if (it != users.end() && it->second.size() == 1) {
        owner = stack.project.findService(*it->second.begin());
      }
    } else {
      owner = stack.serviceOf(object);
    }
    if (owner == nullptr) {
      continue;
    }
    if (const auto it = byComposeName.find(owner->name); it != byComposeName.end()) {
      manifests[it->second].objects.push_back(refOf(object));
    }
  }
  return manifests;
}

}  // namespace cop::translate::detail
