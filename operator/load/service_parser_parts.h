#pragma once

// Internal to the service parser: one function per group of related compose keys.

#include <string_view>

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

// The service properties that the compose schema types as a string (and `pid`, a string or
// null): a YAML number or boolean there is refused, as compose refuses it (`image: 5`).
// A unit test keeps this list equal to the schema's.
inline constexpr std::string_view kSchemaStringProperties[] = {
    "cgroup",      "cgroup_parent", "container_name",
    "cpuset",      "domainname",    "hostname",
    "image",       "ipc",           "isolation",
    "mac_address", "network_mode",  "pid",
    "platform",    "pull_policy",   "pull_refresh_after",
    "restart",     "runtime",       "stop_grace_period",
    "stop_signal", "user",          "userns_mode",
    "uts",         "working_dir"};

// A mapping, or a list of KEY=VALUE strings, as ordered pairs; a key-only entry's value is
// nullopt. Used by environment, labels, annotations, sysctls and deploy.labels. A mapping
// value written as a YAML number, boolean or date becomes the string docker compose passes
// (scalar_text.h); where compose's text cannot be matched, the value is kept as written and
// `warnings` (when given) says so.
Result<std::vector<std::pair<std::string, std::optional<std::string>>>> readKeyValues(
    const Node& node, const std::string& path, Warnings* warnings = nullptr);

}  // namespace cop::load::detail
