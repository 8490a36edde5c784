// compose-model-dump: our loader's side of the loader differential test
// (tests/composediff/run). It loads a project as `compose-operator convert` does (the same
// flags, the process environment, the same file discovery and the same confined reader) and
// prints the typed model (operator/load/compose_model.h) in the normalised shape that the
// reference loader (tests/composediff/go/main.go, compose-go) prints, or {"error": "..."}.
//
// Usage: compose-model-dump [-f FILE]... [--env-file FILE]... [--profile NAME]... [-p NAME]

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "operator/cli/filesystem_reader.h"
#include "operator/load/discovery.h"
#include "operator/load/loader.h"

extern char** environ;

namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using namespace cop::load;

constexpr int kExitUsage = 2;

// The model leaves out what was not said, on both sides.
void put(json& object, const std::string& key, json value) {
  const bool empty = value.is_null() || (value.is_string() && value.get<std::string>().empty()) ||
                     (value.is_boolean() && !value.get<bool>()) ||
                     ((value.is_array() || value.is_object()) && value.empty());
  if (!empty) {
    object[key] = std::move(value);
  }
}

template <typename T>
json optional(const std::optional<T>& value) {
  return value ? json(*value) : json();
}

json sortedByDump(json items) {
  std::sort(items.begin(), items.end(),
            [](const json& a, const json& b) { return a.dump() < b.dump(); });
  return items;
}

std::string normalPath(const std::string& path) {
  std::string clean = fs::path(path).lexically_normal().string();
  if (clean.size() > 1 && clean.back() == '/') {
    clean.pop_back();
  }
  return clean;
}

json ports(const Service& service) {
  json out = json::array();
  for (const Port& port : service.ports) {
    json item{{"target", port.target}, {"protocol", port.protocol}};
    if (port.published) {
      item["published"] = *port.published;
    }
    put(item, "host_ip", port.hostIp);
    put(item, "name", port.name);
    put(item, "app_protocol", port.appProtocol);
    out.push_back(item);
  }
  return sortedByDump(out);
}

json expose(const Service& service) {
  json out = json::array();
  for (const ExposedPort& port : service.expose) {
    out.push_back(std::to_string(port.port) + "/" + port.protocol);
  }
  return sortedByDump(out);
}

std::string volumeType(const ServiceVolume& volume) {
  switch (volume.type) {
    case ServiceVolume::Type::kVolume:
      return "volume";
    case ServiceVolume::Type::kBind:
      return "bind";
    case ServiceVolume::Type::kTmpfs:
      return "tmpfs";
    case ServiceVolume::Type::kOther:
      break;
  }
  return volume.typeName;
}

json volumes(const Service& service) {
  json out = json::array();
  for (const ServiceVolume& volume : service.volumes) {
    json item{{"type", volumeType(volume)}, {"target", volume.target}};
    put(item, "source",
        volume.type == ServiceVolume::Type::kBind ? normalPath(volume.source) : volume.source);
    put(item, "read_only", volume.readOnly);
    put(item, "size", optional(volume.tmpfsSizeBytes));
    put(item, "subpath", volume.subpath);
    out.push_back(item);
  }
  return sortedByDump(out);
}

json fileReferences(const std::vector<FileReference>& refs, bool secrets) {
  json out = json::array();
  for (const FileReference& ref : refs) {
    std::string target = ref.target;
    if (target.empty()) {
      target = (secrets ? "/run/secrets/" : "/") + ref.source;
    } else if (secrets && !target.starts_with("/")) {
      target = "/run/secrets/" + target;
    }
    json item{{"source", ref.source}, {"target", target}};
    if (ref.mode) {
      item["mode"] = *ref.mode;
    }
    out.push_back(item);
  }
  return sortedByDump(out);
}

json healthcheck(const std::optional<Healthcheck>& check) {
  if (!check) {
    return nullptr;
  }
  json out = json::object();
  if (check->disable || (!check->test.empty() && check->test.front() == "NONE")) {
    out["disable"] = true;
    return out;
  }
  put(out, "test", check->test);
  put(out, "interval_ms", optional(check->intervalMs));
  put(out, "timeout_ms", optional(check->timeoutMs));
  put(out, "retries", optional(check->retries));
  put(out, "start_period_ms", optional(check->startPeriodMs));
  put(out, "start_interval_ms", optional(check->startIntervalMs));
  return out;
}

json resources(const ResourceAmounts& amounts) {
  json out = json::object();
  put(out, "cpus_milli", optional(amounts.milliCpus));
  put(out, "memory", optional(amounts.memoryBytes));
  return out;
}

json deploy(const Deploy& deploy) {
  json out = json::object();
  put(out, "mode", deploy.mode);
  put(out, "replicas", optional(deploy.replicas));
  put(out, "limits", resources(deploy.limits));
  put(out, "reservations", resources(deploy.reservations));
  json policy = json::object();
  put(policy, "condition", deploy.restartPolicy.condition);
  put(policy, "max_attempts", optional(deploy.restartPolicy.maxAttempts));
  put(out, "restart_policy", policy);
  json update = json::object();
  put(update, "parallelism", optional(deploy.updateConfig.parallelism));
  put(update, "order", deploy.updateConfig.order);
  put(out, "update_config", update);
  json constraints = json::array();
  for (const PlacementConstraint& constraint : deploy.constraints) {
    constraints.push_back(constraint.expression);
  }
  put(out, "constraints", constraints);
  put(out, "labels", deploy.labels);
  return out;
}

json sortedStrings(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  return items;
}

json service(const Service& service) {
  json out = json::object();
  put(out, "image", service.image);
  put(out, "build", service.hasBuild);
  if (service.command) {
    out["command"] = *service.command;
  }
  if (service.entrypoint) {
    out["entrypoint"] = *service.entrypoint;
  }
  json environment = json::object();
  for (const auto& [name, value] : service.environment) {
    environment[name] = value;
  }
  put(out, "environment", environment);
  put(out, "ports", ports(service));
  put(out, "expose", expose(service));
  put(out, "volumes", volumes(service));
  put(out, "secrets", fileReferences(service.secrets, true));
  put(out, "configs", fileReferences(service.configs, false));
  json dependsOn = json::object();
  for (const Dependency& dependency : service.dependsOn) {
    dependsOn[dependency.service] = {{"condition", dependency.condition},
                                     {"required", dependency.required},
                                     {"restart", dependency.restart}};
  }
  put(out, "depends_on", dependsOn);
  put(out, "healthcheck", healthcheck(service.healthcheck));
  put(out, "deploy", deploy(service.deploy));
  put(out, "labels", service.labels);
  put(out, "annotations", service.annotations);
  json networks = json::object();
  for (const auto& [name, attachment] : service.networks) {
    json item = json::object();
    put(item, "aliases", sortedStrings(attachment.aliases));
    networks[name] = item;
  }
  // Our model leaves the default network implicit; compose names it.
  if (networks.empty() && service.networkMode.empty()) {
    networks["default"] = json::object();
  }
  put(out, "networks", networks);
  put(out, "profiles", service.profiles);
  std::vector<std::string> links;
  for (const auto& [target, alias] : service.links) {
    links.push_back(target + ":" + (alias.empty() ? target : alias));
  }
  put(out, "links", sortedStrings(links));
  json hosts = json::object();
  for (const auto& [host, ip] : service.extraHosts) {
    hosts[host].push_back(ip);
  }
  put(out, "extra_hosts", hosts);
  put(out, "cap_add", sortedStrings(service.capAdd));
  put(out, "cap_drop", sortedStrings(service.capDrop));
  put(out, "security_opt", service.securityOpt);
  put(out, "group_add", service.groupAdd);
  put(out, "sysctls", service.sysctls);
  for (const auto& [key, member] : kServiceStringFields) {
    put(out, std::string(key), service.*member);
  }
  put(out, "shm_size", optional(service.shmSizeBytes));
  put(out, "mem_limit", optional(service.memLimitBytes));
  put(out, "mem_reservation", optional(service.memReservationBytes));
  put(out, "cpus_milli", optional(service.milliCpus));
  put(out, "read_only", service.readOnly.value_or(false));
  put(out, "privileged", service.privileged);
  put(out, "tty", service.tty);
  put(out, "stdin_open", service.stdinOpen);
  put(out, "stop_grace_period_ms", optional(service.stopGracePeriodMs));
  put(out, "scale", optional(service.scale));
  return out;
}

json fileObject(const FileObject& object) {
  json out = json::object();
  if (object.external) {
    out["external"] = true;
    put(out, "name", object.externalName.empty() ? object.name : object.externalName);
  } else if (object.sourceKind == "file") {
    out["file"] = normalPath(object.sourceDetail);
  } else if (object.sourceKind == "environment") {
    out["environment"] = object.sourceDetail;
  } else if (object.sourceKind == "content") {
    out["content"] = object.content;
  }
  return out;
}

// What the enabled services use: docker compose creates nothing else (WithoutUnnecessaryResources).
struct Used {
  std::set<std::string> networks, volumes, secrets, configs;
};

Used usedResources(const Project& project) {
  Used used;
  for (const Service& s : project.services) {
    for (const auto& [name, attachment] : s.networks) {
      used.networks.insert(name);
    }
    if (s.networks.empty() && s.networkMode.empty()) {
      used.networks.insert("default");
    }
    for (const ServiceVolume& volume : s.volumes) {
      if (volume.type == ServiceVolume::Type::kVolume && !volume.source.empty()) {
        used.volumes.insert(volume.source);
      }
    }
    for (const FileReference& ref : s.secrets) {
      used.secrets.insert(ref.source);
    }
    for (const FileReference& ref : s.configs) {
      used.configs.insert(ref.source);
    }
  }
  return used;
}

json model(const Project& project) {
  json services = json::object();
  for (const Service& s : project.services) {
    services[s.name] = service(s);
  }
  const Used used = usedResources(project);
  json networks = json::object();
  if (used.networks.contains("default")) {
    networks["default"] = json::object();  // compose declares the implicit default network
  }
  for (const auto& [name, network] : project.networks) {
    if (!used.networks.contains(name)) {
      continue;
    }
    json item = json::object();
    put(item, "internal", network.internal);
    if (network.external) {
      item["external"] = true;
      put(item, "name", network.externalName.empty() ? name : network.externalName);
    }
    networks[name] = item;
  }
  json volumes = json::object();
  for (const auto& [name, volume] : project.volumes) {
    if (!used.volumes.contains(name)) {
      continue;
    }
    json item = json::object();
    if (volume.external) {
      item["external"] = true;
      put(item, "name", volume.externalName.empty() ? name : volume.externalName);
    }
    put(item, "labels", volume.labels);
    volumes[name] = item;
  }
  json secrets = json::object();
  for (const auto& [name, secret] : project.secrets) {
    if (used.secrets.contains(name)) {
      secrets[name] = fileObject(secret);
    }
  }
  json configs = json::object();
  for (const auto& [name, config] : project.configs) {
    if (used.configs.contains(name)) {
      configs[name] = fileObject(config);
    }
  }
  json out{{"name", project.name}};
  put(out, "services", services);
  put(out, "networks", networks);
  put(out, "volumes", volumes);
  put(out, "secrets", secrets);
  put(out, "configs", configs);
  return out;
}

std::vector<std::string> parentDirectories() {
  std::vector<std::string> parents;
  std::error_code ec;
  fs::path dir = fs::current_path(ec);
  std::string up = "..";
  while (!ec && dir.has_parent_path() && dir.parent_path() != dir) {
    parents.push_back(up);
    up += "/..";
    dir = dir.parent_path();
  }
  return parents;
}

}  // namespace

int main(int argc, char** argv) {
  LoadOptions options;
  std::vector<std::string> envFiles;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "-f" || flag == "--file") {
      options.files.push_back(value);
    } else if (flag == "--env-file") {
      envFiles.push_back(value);
    } else if (flag == "--profile") {
      options.profiles.push_back(value);
    } else if (flag == "-p" || flag == "--project-name") {
      if (auto valid = checkExplicitProjectName(value); !valid) {
        std::cout << json{{"error", valid.error().message}}.dump(1) << "\n";
        return 0;
      }
      options.projectName = value;
    } else {
      std::cerr << "compose-model-dump: unknown flag " << flag << "\n";
      return kExitUsage;
    }
  }
  if (argc % 2 == 0) {
    std::cerr << "compose-model-dump: a flag needs a value\n";
    return kExitUsage;
  }
  if (!envFiles.empty()) {
    options.envFiles = envFiles;
  }
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const std::size_t equals = text.find('=');
    if (equals != std::string::npos) {
      options.environment[text.substr(0, equals)] = text.substr(equals + 1);
    }
  }
  if (options.files.empty()) {
    options.files = discoverComposeFiles(parentDirectories(), [](const std::string& path) {
      std::error_code ec;
      return fs::is_regular_file(path, ec);
    });
    if (options.files.empty()) {
      std::cout << json{{"error", "no compose file found"}}.dump(1) << "\n";
      return 0;
    }
  }
  {
    std::error_code ec;
    const auto dir = fs::absolute(options.files.front(), ec).lexically_normal().parent_path();
    options.defaultProjectName = ec ? "" : dir.filename().string();
  }
  cop::cli::FileSystemReader reader(projectDirectory(options), namedFiles(options));
  cop::Warnings warnings;
  auto project = loadProject(options, reader, warnings);
  if (!project) {
    std::cout << json{{"error", project.error().format()}}.dump(1) << "\n";
    return 0;
  }
  std::cout << model(*project).dump(1) << "\n";
  return 0;
}
