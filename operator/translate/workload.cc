// The workload kind and object for a service: Deployment by default, DaemonSet for
// deploy.mode global, Job for run-to-completion services (restart "no" / on-failure), and
// what the kompose.controller.type label or x-kubernetes.controller asks for.

#include <algorithm>

#include "operator/common/text.h"
#include "operator/translate/defaults.h"
#include "operator/translate/stack_context.h"

namespace cop::translate::detail {

namespace {

constexpr std::string_view kControllerLabel = "kompose.controller.type";

struct JobPolicy {
  bool isJob = false;
  std::string restartPolicy;  // Never | OnFailure
  int backoffLimit = 0;
};

Result<JobPolicy> jobPolicy(const load::Service& s, const StackContext& stack) {
  const auto& policy = s.deploy.restartPolicy;
  if (!policy.condition.empty()) {  // deploy.restart_policy wins over restart
    if (policy.condition == "none") {
      return JobPolicy{true, "Never", 0};
    }
    if (policy.condition == "on-failure") {
      return JobPolicy{true, "OnFailure", policy.maxAttempts.value_or(kDefaultJobBackoffLimit)};
    }
    return JobPolicy{};
  }
  const std::string& restart = s.restart;
  if (restart.empty() || restart == "always" || restart == "unless-stopped") {
    return JobPolicy{};
  }
  if (restart == "no") {
    return JobPolicy{true, "Never", 0};
  }
  if (restart == "on-failure") {
    return JobPolicy{true, "OnFailure", kDefaultJobBackoffLimit};
  }
  if (restart.starts_with("on-failure:")) {
    const std::string count = restart.substr(11);
    if (!count.empty() && count.size() <= 6 &&
        std::all_of(count.begin(), count.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return JobPolicy{true, "OnFailure", std::stoi(count)};
    }
  }
  return stack.failAt(codes::kInvalidRestartPolicy, s.originOf("restart"),
                      "unknown restart policy '" + restart +
                          "' (expected no, always, on-failure[:N] or unless-stopped)");
}

Result<std::string> workloadKind(const load::Service& s, const JobPolicy& job,
                                 const StackContext& stack) {
  std::optional<std::string> requested = s.kubernetes.controllerType;
  load::Origin origin = s.kubernetes.origin;
  if (!requested) {
    if (auto it = s.labels.find(std::string(kControllerLabel)); it != s.labels.end()) {
      requested = it->second;
      origin = s.originOf("labels");
    }
  }
  if (requested) {
    const std::string kind = toLower(*requested);
    if (kind == "deployment") {
      return std::string("Deployment");
    }
    if (kind == "daemonset") {
      return std::string("DaemonSet");
    }
    if (kind == "statefulset") {
      return std::string("StatefulSet");
    }
    if (kind == "job") {
      return std::string("Job");
    }
    return stack.failAt(codes::kUnsupportedController, origin,
                        "unsupported controller type '" + *requested +
                            "' (expected deployment, daemonset, statefulset or job)");
  }
  if (s.deploy.mode == "global" || s.deploy.mode == "global-job") {
    if (job.isJob || s.deploy.mode == "global-job") {
      return stack.failAt(codes::kUnsupportedController, s.originOf("deploy.mode"),
                          "a global service that runs to completion has no Kubernetes equivalent "
                          "(a DaemonSet restarts its pods)");
    }
    return std::string("DaemonSet");
  }
  if (job.isJob || s.deploy.mode == "replicated-job") {
    return std::string("Job");
  }
  return std::string("Deployment");
}

int replicas(const load::Service& s) {
  if (s.deploy.replicas) {
    return *s.deploy.replicas;
  }
  return s.scale.value_or(1);
}

Object dependsOnAnnotation(const load::Service& s) {
  Object list = Object::array();
  std::vector<load::Dependency> sorted = s.dependsOn;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.service < b.service; });
  for (const load::Dependency& dependency : sorted) {
    list.push_back(Object{{"service", sanitizeName(dependency.service)},
                          {"condition", dependency.condition},
                          {"required", dependency.required},
                          {"restart", dependency.restart}});
  }
  return list;
}

Object rollingStrategy(const load::Service& s, const StackContext& stack, bool recreate) {
  const auto& update = s.deploy.updateConfig;
  if (recreate) {
    if (!update.order.empty() || update.parallelism) {
      stack.warn(codes::kRecreateStrategy, update.origin,
                 "update_config is overridden: a workload that mounts a "
                 "ReadWriteOnce claim must stop its old pod first (Recreate)");
    }
    return Object{{"type", "Recreate"}};
  }
  if (update.order.empty() && !update.parallelism) {
    return Object();
  }
  const int step = std::max(update.parallelism.value_or(1), 1);
  Object rolling = Object::object();
  if (update.order == "start-first") {
    rolling["maxSurge"] = step;
    rolling["maxUnavailable"] = 0;
  } else {
    rolling["maxSurge"] = 0;
    rolling["maxUnavailable"] = step;
  }
  return Object{{"type", "RollingUpdate"}, {"rollingUpdate", std::move(rolling)}};
}

}  // namespace

Result<Object> workload(ServiceContext& svc, StackContext& stack) {
  const load::Service& s = svc.service;
  COP_ASSIGN_OR_RETURN(job, jobPolicy(s, stack));
  COP_ASSIGN_OR_RETURN(kind, workloadKind(s, job, stack));
  svc.workloadKind = kind;
  COP_ASSIGN_OR_RETURN(templateObject, podTemplate(svc, stack));

  Object object = Object::object();
  object["apiVersion"] = kind == "Job" ? "batch/v1" : "apps/v1";
  object["kind"] = kind;
  Object labels = svc.userLabels;
  labels.update(svc.labels);
  object["metadata"] = stack.metadata(svc.name, std::move(labels));
  Object annotations = svc.userAnnotations;
  if (!s.dependsOn.empty()) {
    // The operator orders start-up from this: dependencies first, with their condition.
    annotations[std::string(kDependsOnAnnotation)] = dependsOnAnnotation(s).dump();
  }
  if (svc.name != s.name) {
    annotations[std::string(kComposeNameAnnotation)] = s.name;
  }
  if (!annotations.empty()) {
    object["metadata"]["annotations"] = std::move(annotations);
  }

  Object spec = Object::object();
  if (kind == "Job") {
    const int count = replicas(s);
    if (count != 1) {
      spec["parallelism"] = count;
      spec["completions"] = count;
    }
    spec["backoffLimit"] = job.isJob ? job.backoffLimit : kDefaultJobBackoffLimit;
    templateObject["spec"]["restartPolicy"] = job.isJob ? job.restartPolicy : "OnFailure";
    spec["template"] = std::move(templateObject);
  } else {
    if (job.isJob) {
      stack.warn(codes::kControllerMismatch, s.originOf("restart"),
                 "the restart policy asks for a run-to-completion service, "
                 "but the controller type " +
                     kind + " restarts its pods");
    }
    if (kind != "DaemonSet") {
      spec["replicas"] = replicas(s);
    } else if (s.deploy.replicas) {
      stack.warn(codes::kIgnoredValue, s.originOf("deploy.replicas"),
                 "a global service runs one pod per node; replicas is ignored");
    }
    spec["selector"] = Object{{"matchLabels", svc.selector}};
    if (kind == "StatefulSet") {
      spec["serviceName"] = svc.name;
    }
    if (kind == "Deployment") {
      Object strategy = rollingStrategy(s, stack, svc.mountsReadWriteOnceClaim);
      if (!strategy.is_null()) {
        spec["strategy"] = std::move(strategy);
      }
    } else if (kind == "DaemonSet" && s.deploy.updateConfig.parallelism) {
      spec["updateStrategy"] =
          Object{{"type", "RollingUpdate"},
                 {"rollingUpdate",
                  Object{{"maxUnavailable", std::max(*s.deploy.updateConfig.parallelism, 1)}}}};
    }
    spec["template"] = std::move(templateObject);
  }
  object["spec"] = std::move(spec);
  return object;
}

}  // namespace cop::translate::detail
