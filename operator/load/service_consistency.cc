// The checks docker compose makes of a service once it is parsed (compose-go's consistency
// checks and normalisation), and the dependencies that compose implies.

#include <algorithm>

#include "operator/load/service_parser_parts.h"

namespace cop::load::detail {

namespace {

// compose's fields that share another service's namespace with `service:NAME`.
constexpr std::string_view kNamespaceFields[] = {"network_mode", "ipc", "pid", "uts", "cgroup"};
constexpr std::string_view kServicePrefix = "service:";
constexpr std::string_view kContainerPrefix = "container:";

void addDependency(Service& service, const std::string& name, bool restart, const Origin& origin) {
  const bool present = std::any_of(service.dependsOn.begin(), service.dependsOn.end(),
                                   [&name](const Dependency& d) { return d.service == name; });
  if (!present) {
    service.dependsOn.push_back(Dependency{name, "service_started", true, restart, origin});
  }
}

}  // namespace

void addImpliedDependencies(MappingReader& fields, Service& service) {
  // A link, a shared namespace or volumes_from needs the other service running first, and
  // compose restarts the dependent with it (except for volumes_from).
  for (const auto& [target, alias] : service.links) {
    addDependency(service, target, true, service.originOf("links"));
  }
  for (std::string_view field : kNamespaceFields) {
    const Node* value = fields.get(field);
    if (value != nullptr && value->isScalar() && value->text().starts_with(kServicePrefix)) {
      addDependency(service, value->text().substr(kServicePrefix.size()), true,
                    originOf(*value, fields.pathOf(field)));
    }
  }
  const Node* volumesFrom = fields.get("volumes_from");
  if (volumesFrom != nullptr && volumesFrom->isSequence()) {
    for (const Node& item : volumesFrom->items()) {
      if (item.isScalar() && !item.text().starts_with(kContainerPrefix)) {
        addDependency(service, item.text().substr(0, item.text().find(':')), false,
                      originOf(item, fields.pathOf("volumes_from")));
      }
    }
  }
}

Status checkServiceConsistency(MappingReader& fields, const Service& service) {
  if (service.image.empty() && !service.hasBuild) {
    return fail("the service has neither an image nor a build context", service.origin.path,
                service.origin.file, service.origin.line);
  }
  if (service.scale && service.deploy.replicas && *service.scale != *service.deploy.replicas) {
    return fields.failKey("scale", "scale (" + std::to_string(*service.scale) +
                                       ") differs from deploy.replicas (" +
                                       std::to_string(*service.deploy.replicas) + ")");
  }
  if (service.milliCpus && service.deploy.limits.milliCpus &&
      *service.milliCpus != *service.deploy.limits.milliCpus) {
    return fields.failKey("cpus", "cpus differs from deploy.resources.limits.cpus");
  }
  const int replicas = service.deploy.replicas.value_or(service.scale.value_or(1));
  if (fields.get("container_name") != nullptr && replicas > 1) {
    return fields.failKey("container_name",
                          "container_name names one container, but the service has " +
                              std::to_string(replicas) + " replicas");
  }
  if (!service.networkMode.empty() && fields.get("networks") != nullptr) {
    return fields.failKey("network_mode", "network_mode and networks cannot both be set");
  }
  return {};
}

}  // namespace cop::load::detail
