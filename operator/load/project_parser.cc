#include "operator/load/project_parser.h"

#include <algorithm>
#include <functional>

#include "operator/load/node_reader.h"
#include "operator/load/paths.h"
#include "operator/load/service_parser_parts.h"

namespace cop::load {

namespace {

// A Secret or ConfigMap holds at most 1 MiB; anything near that is not a config file.
constexpr std::size_t kMaxObjectFileBytes = 1024 * 1024;
constexpr std::string_view kDefaultNetwork = "default";

// `external: true`, or the legacy `external: {name: x}`.
Result<std::optional<std::string>> readExternal(MappingReader& fields, bool& external) {
  const Node* value = fields.get("external");
  external = false;
  if (value == nullptr) {
    return std::optional<std::string>();
  }
  if (value->isMapping()) {
    external = true;
    COP_ASSIGN_OR_RETURN(legacy, MappingReader::open(*value, fields.pathOf("external")));
    COP_ASSIGN_OR_RETURN(name, legacy.string("name"));
    COP_TRY(legacy.rejectUnknown("external"));
    return name;
  }
  COP_ASSIGN_OR_RETURN(flag, asBool(*value, fields.pathOf("external")));
  external = flag;
  return std::optional<std::string>();
}

Result<std::map<std::string, Network>> parseNetworks(const Node* node, Warnings& warnings) {
  std::map<std::string, Network> networks;
  if (node == nullptr || node->isNull()) {
    return networks;
  }
  COP_ASSIGN_OR_RETURN(all, MappingReader::open(*node, "networks"));
  for (const auto& entry : node->entries()) {
    all.accept({entry.key});
    const std::string path = childPath("networks", entry.key);
    COP_ASSIGN_OR_RETURN(fields, MappingReader::open(entry.value, path));
    Network network;
    network.name = entry.key;
    network.origin = detail::originOf(entry.value, path);
    COP_ASSIGN_OR_RETURN(internal, fields.boolean("internal"));
    network.internal = internal.value_or(false);
    COP_ASSIGN_OR_RETURN(legacyName, readExternal(fields, network.external));
    COP_ASSIGN_OR_RETURN(name, fields.string("name"));
    network.externalName = legacyName.value_or(name.value_or(entry.key));
    if (network.external) {
      warnings.add(
          "external networks do not exist on Kubernetes; the network's members are "
          "isolated like any other compose network",
          path, network.origin.file, network.origin.line);
    }
    for (std::string_view key :
         {"driver", "driver_opts", "attachable", "enable_ipv4", "enable_ipv6", "ipam", "labels"}) {
      if (const Node* ignored = fields.get(key)) {
        // What Kubernetes does anyway is not worth a warning: a bridge-like network, IPv4 on.
        const bool same =
            ignored->isScalar() &&
            ((key == "driver" && (ignored->text() == "bridge" || ignored->text() == "overlay")) ||
             (key == "enable_ipv4" && ignored->text() == "true"));
        if (!same) {
          warnings.add("network " + std::string(key) +
                           " is ignored: the cluster's network plugin "
                           "provides pod networking, and NetworkPolicies carry no labels",
                       fields.pathOf(key), ignored->mark().fileName(), ignored->mark().line);
        }
      }
    }
    COP_TRY(fields.rejectUnknown("a network"));
    networks[entry.key] = std::move(network);
  }
  return networks;
}

Result<std::map<std::string, Volume>> parseVolumes(const Node* node, Warnings& warnings) {
  std::map<std::string, Volume> volumes;
  if (node == nullptr || node->isNull()) {
    return volumes;
  }
  COP_ASSIGN_OR_RETURN(all, MappingReader::open(*node, "volumes"));
  for (const auto& entry : node->entries()) {
    const std::string path = childPath("volumes", entry.key);
    COP_ASSIGN_OR_RETURN(fields, MappingReader::open(entry.value, path));
    Volume volume;
    volume.name = entry.key;
    volume.origin = detail::originOf(entry.value, path);
    COP_ASSIGN_OR_RETURN(legacyName, readExternal(fields, volume.external));
    COP_ASSIGN_OR_RETURN(name, fields.string("name"));
    volume.externalName = legacyName.value_or(name.value_or(entry.key));
    if (const Node* labels = fields.get("labels")) {
      COP_ASSIGN_OR_RETURN(pairs, detail::readKeyValues(*labels, fields.pathOf("labels")));
      for (auto& [key, value] : pairs) {
        volume.labels[key] = value.value_or("");
      }
    }
    if (const Node* extension = fields.get("x-kubernetes")) {
      COP_ASSIGN_OR_RETURN(ext, MappingReader::open(*extension, fields.pathOf("x-kubernetes")));
      COP_ASSIGN_OR_RETURN(size, ext.string("size"));
      volume.kubernetes.size = size;
      COP_ASSIGN_OR_RETURN(storageClass, ext.string("storageClassName"));
      volume.kubernetes.storageClassName = storageClass;
      volume.kubernetes.origin = detail::originOf(*extension, ext.path());
      COP_TRY(ext.rejectUnknown("x-kubernetes of a volume (known: size, storageClassName)"));
    }
    for (std::string_view key : {"driver", "driver_opts"}) {
      if (const Node* ignored = fields.get(key)) {
        warnings.add("volume " + std::string(key) +
                         " is ignored: the claim's storage class chooses the storage",
                     fields.pathOf(key), ignored->mark().fileName(), ignored->mark().line);
      }
    }
    COP_TRY(fields.rejectUnknown("a volume"));
    volumes[entry.key] = std::move(volume);
  }
  return volumes;
}

// Secrets and configs share their shape; configs may also carry inline `content`.
Result<std::map<std::string, FileObject>> parseFileObjects(const Node* node,
                                                           std::string_view section,
                                                           Warnings& warnings) {
  std::map<std::string, FileObject> objects;
  if (node == nullptr || node->isNull()) {
    return objects;
  }
  COP_ASSIGN_OR_RETURN(all, MappingReader::open(*node, std::string(section)));
  const bool isConfig = section == "configs";
  for (const auto& entry : node->entries()) {
    const std::string path = childPath(section, entry.key);
    COP_ASSIGN_OR_RETURN(fields, MappingReader::open(entry.value, path));
    FileObject object;
    object.name = entry.key;
    object.origin = detail::originOf(entry.value, path);
    COP_ASSIGN_OR_RETURN(legacyName, readExternal(fields, object.external));
    COP_ASSIGN_OR_RETURN(name, fields.string("name"));
    object.externalName = legacyName.value_or(name.value_or(entry.key));
    COP_ASSIGN_OR_RETURN(file, fields.string("file"));
    COP_ASSIGN_OR_RETURN(environment, fields.string("environment"));
    std::optional<std::string> content;
    if (isConfig) {
      COP_ASSIGN_OR_RETURN(inlineContent, fields.string("content"));
      content = inlineContent;
    }
    const int sources =
        (file ? 1 : 0) + (environment ? 1 : 0) + (content ? 1 : 0) + (object.external ? 1 : 0);
    if (sources != 1) {
      return failAt(entry.value, path,
                    std::string("a ") + (isConfig ? "config" : "secret") +
                        " needs exactly one of " +
                        (isConfig ? "file, environment, content or external"
                                  : "file, environment or external"));
    }
    if (object.external) {
      object.sourceKind = "external";
    } else if (file) {
      object.sourceKind = "file";
      object.sourceDetail = *file;
    } else if (environment) {
      object.sourceKind = "environment";
      object.sourceDetail = *environment;
    } else {
      object.sourceKind = "content";
      object.content = *content;
    }
    for (std::string_view key : {"driver", "driver_opts", "template_driver"}) {
      if (const Node* ignored = fields.get(key)) {
        warnings.add(std::string(key) + " is ignored: values are stored in a Kubernetes " +
                         (isConfig ? "ConfigMap" : "Secret"),
                     fields.pathOf(key), ignored->mark().fileName(), ignored->mark().line);
      }
    }
    if (const Node* labels = fields.get("labels")) {
      warnings.add(std::string("labels of a ") + (isConfig ? "config" : "secret") +
                       " are ignored: the object carries the stack's labels",
                   fields.pathOf("labels"), labels->mark().fileName(), labels->mark().line);
    }
    COP_TRY(fields.rejectUnknown(isConfig ? "a config" : "a secret"));
    objects[entry.key] = std::move(object);
  }
  return objects;
}

// Reads the value of a secret or config that a service uses. Values never enter messages.
Status fillContent(FileObject& object, std::string_view kind, ParseContext& context) {
  if (object.sourceKind == "file") {
    const std::string path = joinPath(context.projectDir, object.sourceDetail);
    auto text = context.reader.read(path, kMaxObjectFileBytes);
    if (!text) {
      return fail("cannot read the " + std::string(kind) + " file: " + text.error().message,
                  object.origin.path + ".file", object.origin.file, object.origin.line);
    }
    object.content = std::move(*text);
  } else if (object.sourceKind == "environment") {
    auto value = context.lookup(object.sourceDetail);
    if (!value) {
      return fail("the " + std::string(kind) + " comes from the variable " + object.sourceDetail +
                      ", which is not set",
                  object.origin.path + ".environment", object.origin.file, object.origin.line);
    }
    object.content = std::move(*value);
  }
  return {};
}

Status checkReferences(Project& project, const std::set<std::string>& disabled,
                       ParseContext& context) {
  std::set<std::string> usedSecrets;
  std::set<std::string> usedConfigs;
  for (Service& service : project.services) {
    auto checkService = [&](const std::string& target, const Origin& origin,
                            const std::string& what) -> Status {
      if (project.findService(target) != nullptr) {
        return {};
      }
      if (disabled.contains(target)) {
        return fail(what + " the service '" + target + "', which no active profile enables",
                    origin.path, origin.file, origin.line);
      }
      return fail(what + " the service '" + target + "', which is not defined", origin.path,
                  origin.file, origin.line);
    };
    std::vector<Dependency> kept;
    for (const Dependency& dependency : service.dependsOn) {
      // required: false excuses a service that no active profile enables, not an undefined
      // name: docker compose refuses that as it refuses any unknown dependency.
      if (!dependency.required && disabled.contains(dependency.service)) {
        context.warnings.add("the optional dependency '" + dependency.service +
                                 "' is not part of the project; ignoring it",
                             dependency.origin.path, dependency.origin.file,
                             dependency.origin.line);
        continue;
      }
      COP_TRY(checkService(dependency.service, dependency.origin, "depends on"));
      kept.push_back(dependency);
    }
    service.dependsOn = std::move(kept);
    for (const auto& [target, alias] : service.links) {
      COP_TRY(checkService(target, service.originOf("links"), "links to"));
    }
    if (service.networkMode.starts_with("service:")) {
      COP_TRY(checkService(service.networkMode.substr(8), service.originOf("network_mode"),
                           "shares the network of"));
    }
    for (const auto& [network, attachment] : service.networks) {
      if (network != kDefaultNetwork && !project.networks.contains(network)) {
        return fail("the service uses the network '" + network +
                        "', which is not defined under the top-level networks",
                    attachment.origin.path, attachment.origin.file, attachment.origin.line);
      }
    }
    for (const ServiceVolume& volume : service.volumes) {
      if (volume.type == ServiceVolume::Type::kVolume && !volume.source.empty() &&
          !project.volumes.contains(volume.source)) {
        return fail("the volume '" + volume.source + "' is not defined under the top-level volumes",
                    volume.origin.path, volume.origin.file, volume.origin.line);
      }
    }
    for (const FileReference& ref : service.secrets) {
      if (!project.secrets.contains(ref.source)) {
        return fail("the secret '" + ref.source + "' is not defined under the top-level secrets",
                    ref.origin.path, ref.origin.file, ref.origin.line);
      }
      usedSecrets.insert(ref.source);
    }
    for (const FileReference& ref : service.configs) {
      if (!project.configs.contains(ref.source)) {
        return fail("the config '" + ref.source + "' is not defined under the top-level configs",
                    ref.origin.path, ref.origin.file, ref.origin.line);
      }
      usedConfigs.insert(ref.source);
    }
  }
  for (const std::string& name : usedSecrets) {
    COP_TRY(fillContent(project.secrets[name], "secret", context));
  }
  for (const std::string& name : usedConfigs) {
    COP_TRY(fillContent(project.configs[name], "config", context));
  }
  return {};
}

// depends_on must form no cycle; the error names it.
Status checkCycles(const Project& project) {
  enum class Mark { kNew, kActive, kDone };
  std::map<std::string, Mark> marks;
  std::vector<std::string> stack;
  std::function<Status(const Service&)> visit = [&](const Service& service) -> Status {
    marks[service.name] = Mark::kActive;
    stack.push_back(service.name);
    for (const Dependency& dependency : service.dependsOn) {
      const Service* next = project.findService(dependency.service);
      if (next == nullptr) {
        continue;
      }
      if (marks[next->name] == Mark::kActive) {
        std::string cycle;
        auto from = std::find(stack.begin(), stack.end(), next->name);
        for (auto it = from; it != stack.end(); ++it) {
          cycle += *it + " -> ";
        }
        return fail("dependency cycle: " + cycle + next->name, dependency.origin.path,
                    dependency.origin.file, dependency.origin.line);
      }
      if (marks[next->name] == Mark::kNew) {
        COP_TRY(visit(*next));
      }
    }
    stack.pop_back();
    marks[service.name] = Mark::kDone;
    return {};
  };
  for (const Service& service : project.services) {
    if (marks[service.name] == Mark::kNew) {
      COP_TRY(visit(service));
    }
  }
  return {};
}

}  // namespace

Result<Project> parseProject(const ProjectInput& input, ParseContext& context) {
  Project project;
  project.name = input.name;
  const Node& document = input.document;
  COP_ASSIGN_OR_RETURN(networks, parseNetworks(document.find("networks"), context.warnings));
  project.networks = std::move(networks);
  COP_ASSIGN_OR_RETURN(volumes, parseVolumes(document.find("volumes"), context.warnings));
  project.volumes = std::move(volumes);
  COP_ASSIGN_OR_RETURN(secrets,
                       parseFileObjects(document.find("secrets"), "secrets", context.warnings));
  project.secrets = std::move(secrets);
  COP_ASSIGN_OR_RETURN(configs,
                       parseFileObjects(document.find("configs"), "configs", context.warnings));
  project.configs = std::move(configs);

  if (const Node* services = document.find("services");
      services != nullptr && services->isMapping()) {
    for (const auto& entry : services->entries()) {
      const Node& definition =
          entry.value.isNull() ? Node::mapping(entry.value.mark()) : entry.value;
      COP_ASSIGN_OR_RETURN(service, parseService(entry.key, definition, context));
      project.services.push_back(std::move(service));
    }
  }
  std::sort(project.services.begin(), project.services.end(),
            [](const Service& a, const Service& b) { return a.name < b.name; });
  COP_TRY(checkReferences(project, input.disabledServices, context));
  COP_TRY(checkCycles(project));
  return project;
}

const Service* Project::findService(const std::string& name) const {
  auto it = std::lower_bound(services.begin(), services.end(), name,
                             [](const Service& s, const std::string& n) { return s.name < n; });
  return it != services.end() && it->name == name ? &*it : nullptr;
}

}  // namespace cop::load
