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

// A mapping, or a list of KEY=VALUE strings, as ordered pairs; a key-only entry's value is
// nullopt. Used by environment, labels, annotations, sysctls and deploy.labels.
Result<std::vector<std::pair<std::string, std::optional<std::string>>>> readKeyValues(
    const Node& node, const std::string& path);

}  // namespace cop::load::detail
