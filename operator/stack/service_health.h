#pragma once

// How one compose service is doing in the cluster, read from its live workload and pods: what
// a ComposeStack's status reports per service, and what Ready=True waits for (issue 8:
// "Ready=True only when every service is available").
//
// A workload counts as available by the rules kstatus applies to the built-in kinds
// (sigs.k8s.io/cli-utils pkg/kstatus/status/core.go, the library Flux, Helm 4 and kpt wait
// with; operator-conventions.md §1), made strict where the issue asks for more:
//
//  * Deployment: status.observedGeneration >= metadata.generation; updatedReplicas,
//    availableReplicas and readyReplicas equal spec.replicas (default 1); no old replicas left
//    (status.replicas == updatedReplicas); condition Available=True; and, when a progress
//    deadline is set, Progressing=True with reason NewReplicaSetAvailable (kstatus's "ReplicaSet
//    not Available" check). Progressing reason ProgressDeadlineExceeded (kstatus: Failed) keeps
//    the service not ready and goes into its message, but is not terminal here: the deployment
//    controller resumes once a pod comes up, and the stack's verdict is the reconciler's call.
//    A ReplicaFailure=True condition (a Pod Security violation shows there: FailedCreate) goes
//    into the message too.
//  * DaemonSet: observedGeneration current (both generations must be set, as kstatus requires
//    for DaemonSets); status.desiredNumberScheduled present, and currentNumberScheduled,
//    updatedNumberScheduled, numberAvailable and numberReady all equal to it. No node to run on
//    (desired 0) counts as ready.
//  * StatefulSet: observedGeneration current; status.replicas, readyReplicas and
//    availableReplicas equal spec.replicas; updatedReplicas equal to it and currentRevision ==
//    updateRevision, except that with a rollingUpdate.partition only the replicas above the
//    partition must be updated, and with the OnDelete strategy (pods replaced only when someone
//    deletes them) neither is checked, as kstatus does.
//  * Job: ready (complete) when Complete=True. Failed=True, or FailureTarget=True (the job
//    controller's earlier, equally final verdict), makes it `failed`: terminal, the stack is
//    Stalled. desiredReplicas is spec.completions (default 1), readyReplicas the Job's
//    status.ready, succeeded its status.succeeded.
//
// When a service is not ready, its pods are searched for the reason (first failing pod by
// name, so the choice is stable): unschedulable (PodScheduled=False, reason Unschedulable);
// then init containers, then containers (each by name) waiting with CrashLoopBackOff,
// ImagePullBackOff, ErrImagePull, CreateContainerConfigError, CreateContainerError,
// RunContainerError or InvalidImageName, or terminated with a non-zero exit code. A crash loop
// reports the last termination's exit code, reason and message. Pods being deleted and pods
// that succeeded are skipped: they are on their way out and say nothing about the current
// state. A ready service has no message: a stale failure (an evicted pod not yet collected)
// would only make the status flap.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cop::stack {

using Json = nlohmann::json;

// The workload kinds the translator produces.
inline constexpr std::string_view kKindDeployment = "Deployment";
inline constexpr std::string_view kKindDaemonSet = "DaemonSet";
inline constexpr std::string_view kKindStatefulSet = "StatefulSet";
inline constexpr std::string_view kKindJob = "Job";

// Bound of ServiceHealth::message and ::waitingFor: a termination message is the program's
// own output (up to 4 KiB, more with FallbackToLogsOnError), and a stack of many services
// must stay far below the 1.5 MiB object limit.
inline constexpr std::size_t kMaxServiceMessageBytes = 512;

struct ServiceHealth {
  std::string name;  // Kubernetes name
  std::string composeName;
  std::string kind;  // Deployment | DaemonSet | StatefulSet | Job
  std::int64_t desiredReplicas = 0, readyReplicas = 0, updatedReplicas = 0, availableReplicas = 0,
               succeeded = 0;
  bool ready = false;   // available as the issue defines it (see above)
  bool failed = false;  // terminal: a Job that failed; makes the stack Stalled
  // What it waits for, one line: "rollout: 1 of 3 replicas updated", "db to be healthy" (set
  // by the planner), "creation" (no workload yet), "completion: 0 of 1 succeeded".
  std::string waitingFor;
  // Why its pods fail, one line of at most kMaxServiceMessageBytes: the pod, the container,
  // the reason, the exit code and the last termination message.
  std::string message;
};

// workload: the live workload object, or nullptr when it does not exist (yet).
// pods: the live pods of this service (any order; null entries are skipped).
// Never throws on unexpected shapes: a missing or mistyped field counts as absent.
ServiceHealth assessService(std::string name, std::string composeName, std::string kind,
                            const Json* workload, const std::vector<const Json*>& pods);

}  // namespace cop::stack
