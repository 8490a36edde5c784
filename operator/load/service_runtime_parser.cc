// healthcheck, deploy, depends_on.

#include "operator/load/service_parser_parts.h"
#include "operator/load/units.h"

namespace cop::load::detail {

namespace {

Status parseResourceAmounts(const Node& node, const std::string& path, ResourceAmounts& out,
                            Service& service) {
  COP_ASSIGN_OR_RETURN(fields, MappingReader::open(node, path));
  if (const Node* cpus = fields.get("cpus")) {
    auto milli = cpus->isScalar() ? parseMilliCpus(cpus->text()) : std::nullopt;
    if (!milli) {
      return failAt(*cpus, fields.pathOf("cpus"),
                    "expected a number of CPUs such as 0.5, found " + cpus->describe());
    }
    out.milliCpus = milli;
  }
  COP_ASSIGN_OR_RETURN(memory, fields.bytes("memory"));
  out.memoryBytes = memory;
  for (std::string_view key : {"pids", "devices", "generic_resources"}) {
    if (const Node* ignored = fields.get(key)) {
      service.ignored.push_back(IgnoredKey{
          std::string(key),
          key == "pids"
              ? "the kubelet sets PID limits per pod"
              : "device and generic resources need a device plugin this converter cannot know",
          originOf(*ignored, fields.pathOf(key))});
    }
  }
  return fields.rejectUnknown("resources");
}

Status parsePlacement(const Node& node, const std::string& path, Deploy& deploy, Service& service) {
  COP_ASSIGN_OR_RETURN(fields, MappingReader::open(node, path));
  if (const Node* constraints = fields.get("constraints")) {
    COP_ASSIGN_OR_RETURN(list, asStringList(*constraints, fields.pathOf("constraints")));
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Node& at = constraints->isSequence() ? constraints->items()[i] : *constraints;
      deploy.constraints.push_back(
          PlacementConstraint{list[i], originOf(at, indexPath(fields.pathOf("constraints"), i))});
    }
  }
  for (std::string_view key : {"preferences", "max_replicas_per_node"}) {
    if (const Node* ignored = fields.get(key)) {
      service.ignored.push_back(IgnoredKey{std::string(key),
                                           "Swarm placement preferences are not converted",
                                           originOf(*ignored, fields.pathOf(key))});
    }
  }
  return fields.rejectUnknown("placement");
}

}  // namespace

Status parseHealthcheck(MappingReader& fields, Service& service) {
  const Node* node = fields.get("healthcheck");
  if (node == nullptr) {
    return {};
  }
  COP_ASSIGN_OR_RETURN(check, MappingReader::open(*node, fields.pathOf("healthcheck")));
  Healthcheck health;
  health.origin = originOf(*node, check.path());
  if (const Node* test = check.get("test")) {
    if (test->isScalar()) {
      // A string is CMD-SHELL; NONE alone disables.
      if (test->text() == "NONE") {
        health.test = {"NONE"};
      } else {
        health.test = {"CMD-SHELL", test->text()};
      }
    } else {
      COP_ASSIGN_OR_RETURN(list, asStringList(*test, check.pathOf("test")));
      if (!list.empty() && list[0] != "CMD" && list[0] != "CMD-SHELL" && list[0] != "NONE") {
        return check.failKey("test",
                             "a healthcheck test list must start with CMD, CMD-SHELL or NONE");
      }
      if (!list.empty() && list[0] != "NONE" && list.size() < 2) {
        return check.failKey("test", "the healthcheck test '" + list[0] + "' has no command");
      }
      health.test = std::move(list);
    }
  }
  // A zero means the engine's default (Docker: 30 s interval and timeout, 3 retries), not a
  // probe every 0 s: it is left unset, and the translator applies those defaults.
  auto nonZero = [](std::optional<std::int64_t> value) {
    return value && *value == 0 ? std::nullopt : value;
  };
  COP_ASSIGN_OR_RETURN(interval, check.durationMs("interval"));
  health.intervalMs = nonZero(interval);
  COP_ASSIGN_OR_RETURN(timeout, check.durationMs("timeout"));
  health.timeoutMs = nonZero(timeout);
  COP_ASSIGN_OR_RETURN(startPeriod, check.durationMs("start_period"));
  health.startPeriodMs = nonZero(startPeriod);
  COP_ASSIGN_OR_RETURN(startInterval, check.durationMs("start_interval"));
  health.startIntervalMs = nonZero(startInterval);
  COP_ASSIGN_OR_RETURN(retries, check.integer("retries", 0, 1'000'000));
  if (retries && *retries != 0) {
    health.retries = static_cast<int>(*retries);
  }
  COP_ASSIGN_OR_RETURN(disable, check.boolean("disable"));
  health.disable = disable.value_or(false);
  COP_TRY(check.rejectUnknown("a healthcheck"));
  service.healthcheck = std::move(health);
  return {};
}

Status parseDeploy(MappingReader& fields, Service& service) {
  const Node* node = fields.get("deploy");
  if (node == nullptr) {
    return {};
  }
  COP_ASSIGN_OR_RETURN(deployFields, MappingReader::open(*node, fields.pathOf("deploy")));
  Deploy& deploy = service.deploy;
  COP_ASSIGN_OR_RETURN(mode, deployFields.string("mode"));
  if (mode && *mode != "replicated" && *mode != "global" && *mode != "replicated-job" &&
      *mode != "global-job") {
    return deployFields.failKey(
        "mode", "unknown deploy mode '" + *mode + "' (expected replicated or global)");
  }
  deploy.mode = mode.value_or("");
  COP_ASSIGN_OR_RETURN(replicas, deployFields.integer("replicas", 0, 10'000));
  if (replicas) {
    deploy.replicas = static_cast<int>(*replicas);
  }
  if (const Node* resources = deployFields.get("resources")) {
    COP_ASSIGN_OR_RETURN(resourceFields,
                         MappingReader::open(*resources, deployFields.pathOf("resources")));
    if (const Node* limits = resourceFields.get("limits")) {
      COP_TRY(
          parseResourceAmounts(*limits, resourceFields.pathOf("limits"), deploy.limits, service));
    }
    if (const Node* reservations = resourceFields.get("reservations")) {
      COP_TRY(parseResourceAmounts(*reservations, resourceFields.pathOf("reservations"),
                                   deploy.reservations, service));
    }
    COP_TRY(resourceFields.rejectUnknown("deploy.resources"));
  }
  if (const Node* restart = deployFields.get("restart_policy")) {
    COP_ASSIGN_OR_RETURN(policy,
                         MappingReader::open(*restart, deployFields.pathOf("restart_policy")));
    COP_ASSIGN_OR_RETURN(condition, policy.string("condition"));
    if (condition && *condition != "none" && *condition != "on-failure" && *condition != "any") {
      return policy.failKey("condition", "unknown restart condition '" + *condition +
                                             "' (expected none, on-failure or any)");
    }
    deploy.restartPolicy.condition = condition.value_or("");
    COP_ASSIGN_OR_RETURN(attempts, policy.integer("max_attempts", 0, 1'000'000));
    if (attempts) {
      deploy.restartPolicy.maxAttempts = static_cast<int>(*attempts);
    }
    deploy.restartPolicy.origin = originOf(*restart, policy.path());
    for (std::string_view key : {"delay", "window"}) {
      if (const Node* ignored = policy.get(key)) {
        service.ignored.push_back(IgnoredKey{std::string(key),
                                             "Kubernetes backs off restarts on its own schedule",
                                             originOf(*ignored, policy.pathOf(key))});
      }
    }
    COP_TRY(policy.rejectUnknown("deploy.restart_policy"));
  }
  if (const Node* update = deployFields.get("update_config")) {
    COP_ASSIGN_OR_RETURN(config,
                         MappingReader::open(*update, deployFields.pathOf("update_config")));
    COP_ASSIGN_OR_RETURN(parallelism, config.integer("parallelism", 0, 10'000));
    if (parallelism) {
      deploy.updateConfig.parallelism = static_cast<int>(*parallelism);
    }
    COP_ASSIGN_OR_RETURN(order, config.string("order"));
    if (order && *order != "start-first" && *order != "stop-first") {
      return config.failKey(
          "order", "unknown update order '" + *order + "' (expected start-first or stop-first)");
    }
    deploy.updateConfig.order = order.value_or("");
    deploy.updateConfig.origin = originOf(*update, config.path());
    for (std::string_view key : {"delay", "failure_action", "monitor", "max_failure_ratio"}) {
      if (const Node* ignored = config.get(key)) {
        service.ignored.push_back(IgnoredKey{std::string(key),
                                             "rolling updates are paced by readiness on Kubernetes",
                                             originOf(*ignored, config.pathOf(key))});
      }
    }
    COP_TRY(config.rejectUnknown("deploy.update_config"));
  }
  if (const Node* placement = deployFields.get("placement")) {
    COP_TRY(parsePlacement(*placement, deployFields.pathOf("placement"), deploy, service));
  }
  if (const Node* labels = deployFields.get("labels")) {
    COP_ASSIGN_OR_RETURN(pairs, readKeyValues(*labels, deployFields.pathOf("labels")));
    for (auto& [key, value] : pairs) {
      deploy.labels[key] = value.value_or("");
    }
  }
  for (std::string_view key : {"endpoint_mode", "rollback_config"}) {
    if (const Node* ignored = deployFields.get(key)) {
      service.ignored.push_back(IgnoredKey{std::string(key),
                                           key == "endpoint_mode"
                                               ? "every service gets a Service for DNS"
                                               : "use kubectl rollout undo to roll back",
                                           originOf(*ignored, deployFields.pathOf(key))});
    }
  }
  return deployFields.rejectUnknown("deploy");
}

Status parseDependsOn(MappingReader& fields, Service& service) {
  const Node* node = fields.get("depends_on");
  if (node == nullptr) {
    return {};
  }
  const std::string path = fields.pathOf("depends_on");
  if (node->isSequence()) {
    for (std::size_t i = 0; i < node->items().size(); ++i) {
      COP_ASSIGN_OR_RETURN(name, asString(node->items()[i], indexPath(path, i)));
      service.dependsOn.push_back(Dependency{name, "service_started", true, false,
                                             originOf(node->items()[i], indexPath(path, i))});
    }
    return {};
  }
  if (!node->isMapping()) {
    return failAt(*node, path,
                  "expected a list or a mapping of services, found " + node->describe());
  }
  for (const auto& entry : node->entries()) {
    const std::string entryPath = childPath(path, entry.key);
    COP_ASSIGN_OR_RETURN(dep, MappingReader::open(entry.value, entryPath));
    Dependency dependency{entry.key, "service_started", true, false,
                          originOf(entry.value, entryPath)};
    COP_ASSIGN_OR_RETURN(condition, dep.string("condition"));
    if (condition) {
      if (*condition != "service_started" && *condition != "service_healthy" &&
          *condition != "service_completed_successfully") {
        return dep.failKey("condition", "unknown condition '" + *condition +
                                            "' (expected service_started, service_healthy or "
                                            "service_completed_successfully)");
      }
      dependency.condition = *condition;
    }
    COP_ASSIGN_OR_RETURN(required, dep.boolean("required"));
    dependency.required = required.value_or(true);
    COP_ASSIGN_OR_RETURN(restart, dep.boolean("restart"));
    dependency.restart = restart.value_or(false);
    COP_TRY(dep.rejectUnknown("a depends_on entry"));
    service.dependsOn.push_back(std::move(dependency));
  }
  return {};
}

}  // namespace cop::load::detail
