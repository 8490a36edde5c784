#include "operator/load/service_parser.h"

#include <algorithm>
#include <unordered_map>

#include "operator/load/scalar_text.h"
#include "operator/load/service_parser_parts.h"
#include "operator/load/shell_words.h"
#include "operator/load/units.h"

namespace cop::load {

namespace {

// Keys the translator cannot carry over to Kubernetes, with the reason the warning gives.
struct IgnoredKeyRule {
  std::string_view key;
  std::string_view reason;
};

constexpr IgnoredKeyRule kIgnoredKeys[] = {
    {"attach", "it only affects the output of docker compose up"},
    {"blkio_config", "Kubernetes has no block-IO limits for a container"},
    {"cgroup_parent", "the kubelet places containers in cgroups"},
    {"container_name", "the Service named after the service gives it a stable DNS name"},
    {"cpu_count", "use deploy.resources.limits.cpus"},
    {"cpu_percent", "use deploy.resources.limits.cpus"},
    {"cpu_period", "use deploy.resources.limits.cpus"},
    {"cpu_quota", "use deploy.resources.limits.cpus"},
    {"cpu_rt_period", "Kubernetes has no real-time CPU scheduling settings"},
    {"cpu_rt_runtime", "Kubernetes has no real-time CPU scheduling settings"},
    {"cpu_shares", "use deploy.resources.reservations.cpus"},
    {"cpuset", "Kubernetes pins CPUs through the kubelet's CPU manager, not per container"},
    {"credential_spec", "it is Windows-only"},
    {"develop", "it configures docker compose watch, a development tool"},
    {"device_cgroup_rules", "device access is not allowed under the security profile"},
    {"dns", "pods use the cluster's DNS"},
    {"dns_opt", "pods use the cluster's DNS"},
    {"dns_search", "pods use the cluster's DNS"},
    {"domainname", "pods use the cluster's DNS domain"},
    {"external_links", "containers outside the stack cannot be linked on Kubernetes"},
    {"gpus", "GPU scheduling needs a device plugin and a resource name this converter cannot know"},
    {"init", "Kubernetes has no init-process option; use an image that ships one (tini)"},
    {"isolation", "it is Windows-only"},
    {"logging", "container logs go to the cluster's log pipeline"},
    {"mac_address", "pod networking assigns addresses"},
    {"mem_swappiness", "Kubernetes manages swap per node"},
    {"memswap_limit", "Kubernetes manages swap per node"},
    {"models", "model runners are a Docker feature"},
    {"oom_kill_disable", "the kubelet manages out-of-memory handling"},
    {"oom_score_adj", "the kubelet sets OOM scores from the pod's QoS class"},
    {"pids_limit", "the kubelet sets PID limits per pod"},
    {"post_start", "lifecycle hooks are not converted"},
    {"pre_start", "lifecycle hooks are not converted"},
    {"pre_stop", "lifecycle hooks are not converted"},
    {"provider", "provider services are a Docker feature"},
    {"pull_refresh_after", "the kubelet decides when to pull"},
    {"runtime", "the runtime class is a cluster setting"},
    {"stop_signal", "Kubernetes always sends SIGTERM"},
    {"storage_opt", "Kubernetes has no per-container storage driver options"},
    {"ulimits", "Kubernetes has no per-container ulimits"},
    {"use_api_socket", "the Docker API socket does not exist on Kubernetes"},
    {"volume_driver",
     "volume drivers are Docker plugins; claims use the cluster's storage classes"},
    {"volumes_from", "share data through a named volume instead"},
};

// Keys read by the parts (service_*_parser.cc) or here.
constexpr std::string_view kHandledKeys[] = {
    "annotations",  "build",
    "cap_add",      "cap_drop",
    "command",      "configs",
    "cpus",         "depends_on",
    "deploy",       "devices",
    "entrypoint",   "env_file",
    "environment",  "expose",
    "extends",      "extra_hosts",
    "group_add",    "healthcheck",
    "hostname",     "image",
    "ipc",          "label_file",
    "labels",       "links",
    "mem_limit",    "mem_reservation",
    "network_mode", "networks",
    "pid",          "platform",
    "ports",        "privileged",
    "profiles",     "pull_policy",
    "read_only",    "restart",
    "scale",        "secrets",
    "security_opt", "shm_size",
    "stdin_open",   "stop_grace_period",
    "sysctls",      "tmpfs",
    "tty",          "user",
    "userns_mode",  "uts",
    "cgroup",       "volumes",
    "working_dir",
};

Result<std::optional<std::vector<std::string>>> readCommand(MappingReader& fields,
                                                            std::string_view key,
                                                            Warnings& warnings) {
  const Node* value = fields.get(key);
  if (value == nullptr) {
    return std::optional<std::vector<std::string>>();
  }
  std::vector<std::string> command;
  if (value->isScalar()) {
    std::string dropped;
    auto words = splitShellWords(value->text(), &dropped);
    if (!words) {
      return failAt(*value, fields.pathOf(key), words.error().message);
    }
    if (!dropped.empty()) {
      // docker compose runs the same truncated command; the author may have meant a shell.
      warnings.add("the string form ends at the shell operator in '" + dropped +
                       "', which docker compose drops too; for a shell command write "
                       "[\"sh\", \"-c\", \"...\"]",
                   fields.pathOf(key), value->mark().fileName(), value->mark().line);
    }
    command = std::move(*words);
  } else {
    COP_ASSIGN_OR_RETURN(list, asStringList(*value, fields.pathOf(key)));
    command = std::move(list);
  }
  if (command.empty()) {
    // compose clears the image's value; in a pod spec an empty list means the image's own.
    warnings.add("an empty " + std::string(key) +
                     " clears the image's under docker compose, which a pod spec cannot say: "
                     "the image's " +
                     std::string(key) + " runs",
                 fields.pathOf(key), value->mark().fileName(), value->mark().line);
  }
  return std::optional<std::vector<std::string>>(std::move(command));
}

// The schema types these as strings: a YAML number or boolean there is refused, as compose
// refuses it (`image: 5`; quote it).
Status checkSchemaString(MappingReader& fields, std::string_view key) {
  const Node* value = fields.get(key);
  if (value != nullptr && isPlainNonString(*value)) {
    return fields.failKey(key, "must be a string, found " + value->describe() +
                                   ", which YAML reads as a number or boolean (quote it: \"" +
                                   value->text() + "\")");
  }
  return {};
}

Status parseScalars(MappingReader& fields, Service& service, Warnings& warnings) {
  for (std::string_view key : detail::kSchemaStringProperties) {
    COP_TRY(checkSchemaString(fields, key));
  }
  COP_ASSIGN_OR_RETURN(image, fields.string("image"));
  service.image = image.value_or("");
  service.hasBuild = fields.get("build") != nullptr;
  COP_ASSIGN_OR_RETURN(command, readCommand(fields, "command", warnings));
  service.command = std::move(command);
  COP_ASSIGN_OR_RETURN(entrypoint, readCommand(fields, "entrypoint", warnings));
  service.entrypoint = std::move(entrypoint);

  for (const auto& [key, member] : kServiceStringFields) {
    COP_ASSIGN_OR_RETURN(value, fields.string(key));
    service.*member = value.value_or("");
  }
  if (service.pullPolicy == "if_not_present") {
    service.pullPolicy = "missing";  // compose's other spelling of the same policy
  }
  COP_ASSIGN_OR_RETURN(readOnly, fields.boolean("read_only"));
  service.readOnly = readOnly;
  COP_ASSIGN_OR_RETURN(privileged, fields.boolean("privileged"));
  service.privileged = privileged.value_or(false);
  COP_ASSIGN_OR_RETURN(tty, fields.boolean("tty"));
  service.tty = tty.value_or(false);
  COP_ASSIGN_OR_RETURN(stdinOpen, fields.boolean("stdin_open"));
  service.stdinOpen = stdinOpen.value_or(false);
  COP_ASSIGN_OR_RETURN(grace, fields.durationMs("stop_grace_period"));
  service.stopGracePeriodMs = grace;
  COP_ASSIGN_OR_RETURN(scale, fields.integer("scale", 0, 10'000));
  if (scale) {
    service.scale = static_cast<int>(*scale);
  }
  COP_ASSIGN_OR_RETURN(memLimit, fields.bytes("mem_limit"));
  service.memLimitBytes = memLimit;
  COP_ASSIGN_OR_RETURN(memReservation, fields.bytes("mem_reservation"));
  service.memReservationBytes = memReservation;
  COP_ASSIGN_OR_RETURN(shm, fields.bytes("shm_size"));
  service.shmSizeBytes = shm;
  if (const Node* cpus = fields.get("cpus")) {
    auto milli = cpus->isScalar() ? parseMilliCpus(cpus->text()) : std::nullopt;
    if (!milli) {
      return failAt(*cpus, fields.pathOf("cpus"),
                    "expected a number of CPUs such as 0.5, found " + cpus->describe());
    }
    service.milliCpus = milli;
  }
  COP_ASSIGN_OR_RETURN(profiles, fields.stringList("profiles"));
  service.profiles = std::move(profiles);
  COP_ASSIGN_OR_RETURN(capAdd, fields.stringList("cap_add"));
  service.capAdd = std::move(capAdd);
  COP_ASSIGN_OR_RETURN(capDrop, fields.stringList("cap_drop"));
  service.capDrop = std::move(capDrop);
  COP_ASSIGN_OR_RETURN(securityOpt, fields.stringList("security_opt"));
  service.securityOpt = std::move(securityOpt);
  COP_ASSIGN_OR_RETURN(groupAdd, fields.stringList("group_add"));
  service.groupAdd = std::move(groupAdd);
  if (const Node* devices = fields.get("devices")) {
    if (!devices->isSequence()) {
      return failAt(*devices, fields.pathOf("devices"),
                    "expected a list, found " + devices->describe());
    }
    for (std::size_t i = 0; i < devices->items().size(); ++i) {
      const Node& item = devices->items()[i];
      const Node* source = item.isMapping() ? item.find("source") : &item;
      service.devices.push_back(source != nullptr && source->isScalar() ? source->text()
                                                                        : "device");
    }
  }
  if (const Node* sysctls = fields.get("sysctls")) {
    COP_ASSIGN_OR_RETURN(pairs, detail::readKeyValues(*sysctls, fields.pathOf("sysctls")));
    for (auto& [key, value] : pairs) {
      service.sysctls[key] = value.value_or("");
    }
  }
  return {};
}

Status parseKubernetesExtension(MappingReader& fields, Service& service) {
  const Node* extension = fields.get("x-kubernetes");
  if (extension == nullptr) {
    return {};
  }
  COP_ASSIGN_OR_RETURN(ext, MappingReader::open(*extension, fields.pathOf("x-kubernetes")));
  COP_ASSIGN_OR_RETURN(controller, ext.string("controller"));
  service.kubernetes.controllerType = controller;
  service.kubernetes.origin = detail::originOf(*extension, ext.path());
  return ext.rejectUnknown("x-kubernetes of a service (known: controller)");
}

}  // namespace

Result<Service> parseService(const std::string& name, const Node& node, ParseContext& context) {
  const std::string path = childPath("services", name);
  COP_ASSIGN_OR_RETURN(fields, MappingReader::open(node, path));
  Service service;
  service.name = name;
  service.origin = detail::originOf(node, path);
  if (node.isMapping()) {
    for (const auto& entry : node.entries()) {
      service.keyLines[entry.key] = entry.value.mark().line;
    }
  }

  COP_TRY(parseScalars(fields, service, context.warnings));
  COP_TRY(detail::parseEnvironment(fields, service, context));
  COP_TRY(detail::parseLabels(fields, service, context));
  COP_TRY(detail::parsePorts(fields, service));
  COP_TRY(detail::parseNetworking(fields, service));
  COP_TRY(detail::parseStorage(fields, service, context));
  COP_TRY(detail::parseHealthcheck(fields, service));
  COP_TRY(detail::parseDeploy(fields, service));
  COP_TRY(detail::parseDependsOn(fields, service));
  detail::addImpliedDependencies(fields, service);
  COP_TRY(parseKubernetesExtension(fields, service));
  COP_TRY(detail::checkServiceConsistency(fields, service));

  for (const auto& rule : kIgnoredKeys) {
    if (const Node* value = fields.get(rule.key)) {
      service.ignored.push_back(IgnoredKey{std::string(rule.key), std::string(rule.reason),
                                           detail::originOf(*value, fields.pathOf(rule.key))});
    }
  }
  for (std::string_view key : kHandledKeys) {
    fields.accept({key});
  }
  COP_TRY(fields.rejectUnknown("a service definition"));
  return service;
}

Origin Service::originOf(const std::string& field) const {
  Origin out = origin;
  out.path = childPath(origin.path, field);
  if (auto it = keyLines.find(field.substr(0, field.find('.')));
      it != keyLines.end() && it->second > 0) {
    out.line = it->second;
  }
  return out;
}

namespace detail {

Origin originOf(const Node& node, const std::string& path) {
  return Origin{node.mark().fileName(), node.mark().line, path};
}

Result<std::vector<std::pair<std::string, std::optional<std::string>>>> readKeyValues(
    const Node& node, const std::string& path, Warnings* warnings) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  // A key given twice keeps its first place and its last value; found through an index, since
  // a list may hold tens of thousands of entries.
  std::unordered_map<std::string, std::size_t> positions;
  auto put = [&out, &positions](std::string key, std::optional<std::string> value) {
    if (auto it = positions.find(key); it != positions.end()) {
      out[it->second].second = std::move(value);
      return;
    }
    positions.emplace(key, out.size());
    out.emplace_back(std::move(key), std::move(value));
  };
  if (node.isMapping()) {
    for (const auto& entry : node.entries()) {
      if (entry.value.isNull()) {
        put(entry.key, std::nullopt);
      } else if (entry.value.isScalar()) {
        ComposeString value = composeStringOf(entry.value);
        if (value.differsFromCompose && warnings != nullptr) {
          warnings->add("the YAML timestamp " + entry.value.text() +
                            " is kept as written; docker compose would pass it reformatted "
                            "(quote it to say which text you mean)",
                        childPath(path, entry.key), entry.value.mark().fileName(),
                        entry.value.mark().line);
        }
        put(entry.key, std::move(value.text));
      } else {
        return failAt(entry.value, childPath(path, entry.key),
                      "expected a string, number or boolean, found " + entry.value.describe());
      }
    }
    return out;
  }
  if (node.isSequence()) {
    for (std::size_t i = 0; i < node.items().size(); ++i) {
      const Node& item = node.items()[i];
      if (!item.isScalar()) {
        return failAt(item, indexPath(path, i), "expected KEY=VALUE, found " + item.describe());
      }
      const std::size_t equals = item.text().find('=');
      if (equals == std::string::npos) {
        put(item.text(), std::nullopt);
      } else {
        put(item.text().substr(0, equals), item.text().substr(equals + 1));
      }
    }
    return out;
  }
  if (node.isNull()) {
    return out;
  }
  return failAt(node, path, "expected a mapping or a list of KEY=VALUE, found " + node.describe());
}

}  // namespace detail

}  // namespace cop::load
