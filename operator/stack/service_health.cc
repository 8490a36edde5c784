#include "operator/stack/service_health.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <limits>
#include <optional>
#include <utility>

#include "operator/client/json_fields.h"
#include "operator/stack/status_text.h"

namespace cop::stack {
namespace {

using client::fieldAt;
using client::objectAt;
using client::stringAt;

// The controllers' own default for an unset spec.replicas (Deployment, StatefulSet).
constexpr std::int64_t kDefaultReplicas = 1;
// An unset spec.completions: the issue counts such a Job as one completion.
constexpr std::int64_t kDefaultJobCompletions = 1;
// spec.progressDeadlineSeconds at this value (math.MaxInt32) means no deadline: the deployment
// controller then never reports progress in the Progressing condition, so kstatus (and we)
// do not wait for it.
constexpr std::int64_t kNoProgressDeadline = std::numeric_limits<std::int32_t>::max();

// Waiting reasons that mean the container will not start without a change (or keeps failing).
constexpr std::array<std::string_view, 7> kFailingWaitingReasons = {
    "CrashLoopBackOff",     "ImagePullBackOff",  "ErrImagePull",    "CreateContainerConfigError",
    "CreateContainerError", "RunContainerError", "InvalidImageName"};
constexpr std::string_view kCrashLoopBackOff = "CrashLoopBackOff";

// Joins the parts of a message.
constexpr std::string_view kPartSeparator = "; ";

// Bound of the text a container or the kubelet wrote (a termination message, a pull error)
// within a message, so that the pod's and container's names, the reason, the exit code and the
// workload's own condition still fit in kMaxServiceMessageBytes after it.
constexpr std::size_t kMaxPodTextBytes = 256;

// The object at a path of keys, or nullptr when any step is missing or not an object.
const Json* objectPath(const Json* root, std::initializer_list<const char*> keys) {
  const Json* at = root;
  for (const char* key : keys) {
    if (at == nullptr) {
      return nullptr;
    }
    at = objectAt(*at, key);
  }
  return at;
}

// object[key] as an integer; nullopt when absent or not an integer (a float such as 1.0 is
// not what the API server sends for an int32/int64 field). Values beyond int64 saturate.
std::optional<std::int64_t> intAt(const Json* object, const char* key) {
  if (object == nullptr) {
    return std::nullopt;
  }
  const Json* value = fieldAt(*object, key);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (value->is_number_unsigned()) {
    const auto wide = value->get<std::uint64_t>();
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    return static_cast<std::int64_t>(std::min(wide, kMax));
  }
  if (value->is_number_integer()) {
    return value->get<std::int64_t>();
  }
  return std::nullopt;
}

std::int64_t intOr(const Json* object, const char* key, std::int64_t fallback) {
  return intAt(object, key).value_or(fallback);
}

std::string stringOf(const Json* object, const char* key) {
  return object != nullptr ? stringAt(*object, key) : std::string();
}

// The status.conditions entry of `type`, or nullptr.
const Json* findCondition(const Json& object, std::string_view type) {
  const Json* status = objectAt(object, "status");
  const Json* conditions = status != nullptr ? fieldAt(*status, "conditions") : nullptr;
  if (conditions == nullptr || !conditions->is_array()) {
    return nullptr;
  }
  for (const Json& condition : *conditions) {
    if (condition.is_object() && stringAt(condition, "type") == type) {
      return &condition;
    }
  }
  return nullptr;
}

bool conditionIs(const Json& object, std::string_view type, std::string_view status) {
  const Json* condition = findCondition(object, type);
  return condition != nullptr && stringAt(*condition, "status") == status;
}

// "<prefix>: <reason>: <message>" without the empty parts.
std::string describeCondition(std::string prefix, const Json& condition) {
  for (const char* key : {"reason", "message"}) {
    const std::string part = stringAt(condition, key);
    if (!part.empty()) {
      prefix += ": ";
      prefix += part;
    }
  }
  return prefix;
}

// "rollout: 1 of 3 replicas updated".
std::string countWaiting(std::string_view phase, std::int64_t have, std::int64_t want,
                         std::string_view what) {
  return std::string(phase) + ": " + std::to_string(have) + " of " + std::to_string(want) + " " +
         std::string(what);
}

// Whether the controller has seen the latest spec. Both generations must be present: a
// workload whose status the controller never wrote has not been acted on yet.
std::optional<std::string> generationWaiting(const Json& workload) {
  const auto generation = intAt(objectAt(workload, "metadata"), "generation");
  const auto observed = intAt(objectAt(workload, "status"), "observedGeneration");
  if (!generation || !observed || *observed < *generation) {
    return "rollout: generation " + (generation ? std::to_string(*generation) : "?") +
           " not yet observed by the controller";
  }
  return std::nullopt;
}

// The replica counts Deployments and StatefulSets share (spec.replicas, status.updated-,
// available- and readyReplicas) into `health`; returns the desired count.
std::int64_t readReplicaCounts(const Json* spec, const Json* status, ServiceHealth& health) {
  health.desiredReplicas = intOr(spec, "replicas", kDefaultReplicas);
  health.updatedReplicas = intOr(status, "updatedReplicas", 0);
  health.availableReplicas = intOr(status, "availableReplicas", 0);
  health.readyReplicas = intOr(status, "readyReplicas", 0);
  return health.desiredReplicas;
}

void assessDeployment(const Json& workload, ServiceHealth& health,
                      std::vector<std::string>& problems) {
  const Json* spec = objectAt(workload, "spec");
  const Json* status = objectAt(workload, "status");
  const std::int64_t want = readReplicaCounts(spec, status, health);
  const std::int64_t total = intOr(status, "replicas", 0);

  const Json* progressing = findCondition(workload, "Progressing");
  const bool deadlineExceeded =
      progressing != nullptr && stringAt(*progressing, "reason") == "ProgressDeadlineExceeded";
  if (const Json* failure = findCondition(workload, "ReplicaFailure");
      failure != nullptr && stringAt(*failure, "status") == "True") {
    problems.push_back(describeCondition("ReplicaFailure", *failure));
  }
  if (deadlineExceeded) {
    problems.push_back(describeCondition("progress deadline exceeded", *progressing));
  }

  const bool hasDeadline =
      intOr(spec, "progressDeadlineSeconds", kNoProgressDeadline) != kNoProgressDeadline;
  const bool newReplicaSetAvailable = progressing != nullptr &&
                                      stringAt(*progressing, "status") == "True" &&
                                      stringAt(*progressing, "reason") == "NewReplicaSetAvailable";
  if (auto waiting = generationWaiting(workload)) {
    health.waitingFor = std::move(*waiting);
  } else if (health.updatedReplicas < want) {
    health.waitingFor = countWaiting("rollout", health.updatedReplicas, want, "replicas updated");
  } else if (total > health.updatedReplicas) {
    health.waitingFor = "rollout: " + std::to_string(total - health.updatedReplicas) +
                        " old replicas pending termination";
  } else if (total != want || health.updatedReplicas != want) {
    health.waitingFor =
        "rollout: " + std::to_string(total) + " replicas, " + std::to_string(want) + " wanted";
  } else if (health.availableReplicas != want) {
    health.waitingFor =
        countWaiting("rollout", health.availableReplicas, want, "replicas available");
  } else if (health.readyReplicas != want) {
    health.waitingFor = countWaiting("rollout", health.readyReplicas, want, "replicas ready");
  } else if (!conditionIs(workload, "Available", "True")) {
    health.waitingFor = "rollout: the Deployment is not Available";
  } else if (deadlineExceeded) {
    health.waitingFor = "rollout: progress deadline exceeded";
  } else if (hasDeadline && !newReplicaSetAvailable) {
    health.waitingFor = "rollout: the new ReplicaSet is not yet available";
  }
  health.ready = health.waitingFor.empty();
}

void assessDaemonSet(const Json& workload, ServiceHealth& health) {
  const Json* status = objectAt(workload, "status");
  const auto desired = intAt(status, "desiredNumberScheduled");
  const std::int64_t want = desired.value_or(0);
  const std::int64_t scheduled = intOr(status, "currentNumberScheduled", 0);
  health.desiredReplicas = want;
  health.updatedReplicas = intOr(status, "updatedNumberScheduled", 0);
  health.availableReplicas = intOr(status, "numberAvailable", 0);
  health.readyReplicas = intOr(status, "numberReady", 0);

  if (auto waiting = generationWaiting(workload)) {
    health.waitingFor = std::move(*waiting);
  } else if (!desired) {
    health.waitingFor = "rollout: the number of nodes to run on is not yet known";
  } else if (scheduled != want) {
    health.waitingFor = countWaiting("rollout", scheduled, want, "pods scheduled");
  } else if (health.updatedReplicas != want) {
    health.waitingFor = countWaiting("rollout", health.updatedReplicas, want, "pods updated");
  } else if (health.availableReplicas != want) {
    health.waitingFor = countWaiting("rollout", health.availableReplicas, want, "pods available");
  } else if (health.readyReplicas != want) {
    health.waitingFor = countWaiting("rollout", health.readyReplicas, want, "pods ready");
  }
  health.ready = health.waitingFor.empty();
}

void assessStatefulSet(const Json& workload, ServiceHealth& health) {
  const Json* spec = objectAt(workload, "spec");
  const Json* status = objectAt(workload, "status");
  const Json* strategy = objectPath(spec, {"updateStrategy"});
  const std::int64_t want = readReplicaCounts(spec, status, health);
  const std::int64_t total = intOr(status, "replicas", 0);
  const bool onDelete = stringOf(strategy, "type") == "OnDelete";
  const std::int64_t partition = intOr(objectPath(strategy, {"rollingUpdate"}), "partition", 0);

  if (auto waiting = generationWaiting(workload)) {
    health.waitingFor = std::move(*waiting);
  } else if (total < want) {
    health.waitingFor = countWaiting("rollout", total, want, "replicas created");
  } else if (total > want) {
    health.waitingFor =
        "rollout: " + std::to_string(total - want) + " extra replicas pending termination";
  } else if (health.readyReplicas != want) {
    health.waitingFor = countWaiting("rollout", health.readyReplicas, want, "replicas ready");
  } else if (health.availableReplicas != want) {
    health.waitingFor =
        countWaiting("rollout", health.availableReplicas, want, "replicas available");
  } else if (onDelete) {
    // Pods are replaced only when deleted by hand: nothing to wait for.
  } else if (partition > 0) {
    const std::int64_t above = std::max<std::int64_t>(want - partition, 0);
    if (health.updatedReplicas < above) {
      health.waitingFor = countWaiting("rollout", health.updatedReplicas, above,
                                       "replicas above the partition updated");
    }
  } else if (health.updatedReplicas != want) {
    health.waitingFor = countWaiting("rollout", health.updatedReplicas, want, "replicas updated");
  } else if (stringOf(status, "currentRevision") != stringOf(status, "updateRevision")) {
    health.waitingFor = "rollout: the update revision is not yet current";
  }
  health.ready = health.waitingFor.empty();
}

void assessJob(const Json& workload, ServiceHealth& health, std::vector<std::string>& problems) {
  const Json* spec = objectAt(workload, "spec");
  const Json* status = objectAt(workload, "status");
  health.desiredReplicas = intOr(spec, "completions", kDefaultJobCompletions);
  health.readyReplicas = intOr(status, "ready", 0);
  health.succeeded = intOr(status, "succeeded", 0);

  if (conditionIs(workload, "Complete", "True")) {
    health.ready = true;
    return;
  }
  for (const char* type : {"Failed", "FailureTarget"}) {
    const Json* condition = findCondition(workload, type);
    if (condition != nullptr && stringAt(*condition, "status") == "True") {
      health.failed = true;
      problems.push_back(describeCondition("job failed", *condition));
      return;
    }
  }
  if (conditionIs(workload, "Suspended", "True")) {
    health.waitingFor = "completion: the Job is suspended";
    return;
  }
  health.waitingFor =
      countWaiting("completion", health.succeeded, health.desiredReplicas, "succeeded");
}

// "container "web" of pod web-5d9c: " + what.
std::string containerFailure(std::string_view role, const std::string& container,
                             const std::string& pod, std::string_view what) {
  return std::string(role) + " \"" + container + "\" of pod " + pod + ": " + std::string(what);
}

// "exit code 1 (Error): <termination message>".
std::string describeTermination(const Json& terminated) {
  std::string text = "exit code " + std::to_string(intOr(&terminated, "exitCode", 0));
  const std::string reason = stringAt(terminated, "reason");
  if (!reason.empty()) {
    text += " (" + reason + ")";
  }
  const std::string message = stringAt(terminated, "message");
  if (!message.empty()) {
    text += ": " + boundedLine(message, kMaxPodTextBytes);
  }
  return text;
}

// Why one container fails, or "".
std::string failingContainer(std::string_view role, const Json& containerStatus,
                             const std::string& pod) {
  const std::string name = stringAt(containerStatus, "name");
  const Json* state = objectAt(containerStatus, "state");
  if (const Json* waiting = objectPath(state, {"waiting"})) {
    const std::string reason = stringAt(*waiting, "reason");
    if (std::find(kFailingWaitingReasons.begin(), kFailingWaitingReasons.end(), reason) !=
        kFailingWaitingReasons.end()) {
      std::string what = reason;
      const Json* last = objectPath(&containerStatus, {"lastState", "terminated"});
      if (reason == kCrashLoopBackOff && last != nullptr) {
        // The back-off message ("back-off 5m0s restarting failed container") says nothing the
        // reason does not; the last termination says why it crashed.
        what += ", last " + describeTermination(*last);
      } else if (const std::string message = stringAt(*waiting, "message"); !message.empty()) {
        what += ": " + boundedLine(message, kMaxPodTextBytes);
      }
      return containerFailure(role, name, pod, what);
    }
  }
  if (const Json* terminated = objectPath(state, {"terminated"})) {
    if (intOr(terminated, "exitCode", 0) != 0) {
      return containerFailure(role, name, pod,
                              "terminated with " + describeTermination(*terminated));
    }
  }
  return {};
}

// Why one pod fails, or "".
std::string failingPod(const Json& pod) {
  const std::string podName = stringOf(objectAt(pod, "metadata"), "name");
  if (const Json* scheduled = findCondition(pod, "PodScheduled");
      scheduled != nullptr && stringAt(*scheduled, "status") == "False" &&
      stringAt(*scheduled, "reason") == "Unschedulable") {
    std::string text = "pod " + podName + ": Unschedulable";
    if (const std::string message = stringAt(*scheduled, "message"); !message.empty()) {
      text += ": " + message;
    }
    return text;
  }
  const Json* status = objectAt(pod, "status");
  // Init containers first: while one of them fails, the containers never start.
  for (const auto& [key, role] : {std::pair{"initContainerStatuses", "init container"},
                                  std::pair{"containerStatuses", "container"}}) {
    const Json* list = status != nullptr ? fieldAt(*status, key) : nullptr;
    if (list == nullptr || !list->is_array()) {
      continue;
    }
    std::vector<const Json*> containers;
    for (const Json& item : *list) {
      if (item.is_object()) {
        containers.push_back(&item);
      }
    }
    std::stable_sort(containers.begin(), containers.end(), [](const Json* a, const Json* b) {
      return stringAt(*a, "name") < stringAt(*b, "name");
    });
    for (const Json* container : containers) {
      if (std::string text = failingContainer(role, *container, podName); !text.empty()) {
        return text;
      }
    }
  }
  return {};
}

// The failure of the first failing pod by name, or "".
std::string podFailure(const std::vector<const Json*>& pods) {
  std::vector<const Json*> candidates;
  for (const Json* pod : pods) {
    if (pod == nullptr || !pod->is_object()) {
      continue;
    }
    const Json* metadata = objectAt(*pod, "metadata");
    const Json* deletion = metadata != nullptr ? fieldAt(*metadata, "deletionTimestamp") : nullptr;
    if (deletion != nullptr && !deletion->is_null()) {
      continue;
    }
    if (stringOf(objectAt(*pod, "status"), "phase") == "Succeeded") {
      continue;
    }
    candidates.push_back(pod);
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const Json* a, const Json* b) {
    return stringOf(objectAt(*a, "metadata"), "name") < stringOf(objectAt(*b, "metadata"), "name");
  });
  for (const Json* pod : candidates) {
    if (std::string text = failingPod(*pod); !text.empty()) {
      return text;
    }
  }
  return {};
}

}  // namespace

ServiceHealth assessService(std::string name, std::string composeName, std::string kind,
                            const Json* workload, const std::vector<const Json*>& pods) {
  ServiceHealth health;
  health.name = std::move(name);
  health.composeName = std::move(composeName);
  health.kind = std::move(kind);
  if (workload == nullptr || !workload->is_object()) {
    // Pods without their workload are leftovers of a deleted one: not this service's state.
    health.waitingFor = "creation";
    return health;
  }

  std::vector<std::string> problems;
  if (health.kind == kKindDeployment) {
    assessDeployment(*workload, health, problems);
  } else if (health.kind == kKindDaemonSet) {
    assessDaemonSet(*workload, health);
  } else if (health.kind == kKindStatefulSet) {
    assessStatefulSet(*workload, health);
  } else if (health.kind == kKindJob) {
    assessJob(*workload, health, problems);
  } else {
    problems.push_back("unsupported workload kind \"" + health.kind + "\"");
  }

  if (!health.ready) {
    // The pods' own failure first: it names the cause, the workload's conditions the effect.
    if (std::string pod = podFailure(pods); !pod.empty()) {
      problems.insert(problems.begin(), std::move(pod));
    }
    std::string message;
    for (const std::string& problem : problems) {
      if (!message.empty()) {
        message += kPartSeparator;
      }
      message += problem;
    }
    health.message = boundedLine(message, kMaxServiceMessageBytes);
  }
  health.waitingFor = boundedLine(health.waitingFor, kMaxServiceMessageBytes);
  return health;
}

}  // namespace cop::stack
