#pragma once

// Internal to the service parser: one function per group of related compose keys.

#include "operator/load/node_reader.h"
#include "operator/load/service_parser.h"

namespace cop::load::detail {

Origin originOf(const Node& node, const std::string& path);

Status parseEnvironment(MappingReader& fields, Service& service, ParseContext& context);
Status parseLabels(MappingReader& fields, Service& service, ParseContext& context);
Status parsePorts(MappingReader& fields, Service& service);
Status parseNetworking(MappingReader& fields, Service& service);
Status parseStorage(MappingReader& fields, Service& service, ParseContext& context);
Status parseHealthcheck(MappingReader& fields, Service& service);
Status parseDeploy(MappingReader& fields, Service& service);
Status parseDependsOn(MappingReader& fields, Service& service);

// The dependencies compose implies: links, volumes_from and `service:NAME` namespaces.
void addImpliedDependencies(MappingReader& fields, Service& service);
// What docker compose refuses in a parsed service: no image and no build, scale against
// deploy.replicas, cpus against deploy.resources.limits.cpus, container_name with several
// replicas, network_mode with networks.
Status checkServiceConsistency(MappingReader& fields, const Service& service);

// A mapping, or a list of KEY=VALUE strings, as ordered pairs; a key-only entry's value is
// nullopt. Used by environment, labels, annotations, sysctls and deploy.labels. A mapping
// value written as a YAML number, boolean or date becomes the string docker compose passes
// (scalar_text.h); where compose's text cannot be matched, the value is kept as written and
// `warnings` (when given) says so.
Result<std::vector<std::pair<std::string, std::optional<std::string>>>> readKeyValues(
    const Node& node, const std::string& path, Warnings* warnings = nullptr);

}  // namespace cop::load::detail
