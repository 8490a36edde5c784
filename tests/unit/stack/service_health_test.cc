// assessService: a service is ready only by kstatus's rules for its workload kind (strict where
// the issue asks for more), and a failing pod's reason, exit code and termination message reach
// the service's message. Each rule has a case that fails when the rule is deleted.

#include "operator/stack/service_health.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace cop::stack {
namespace {

using Pointer = Json::json_pointer;

bool validUtf8(const std::string& text) {
  try {
    (void)Json(text).dump();
    return true;
  } catch (const Json::exception&) {
    return false;
  }
}

ServiceHealth assess(std::string_view kind, const Json& workload,
                     const std::vector<const Json*>& pods = {}) {
  return assessService("web", "Web", std::string(kind), &workload, pods);
}

// `object` with the value at `pointer` replaced (or added).
Json with(Json object, const std::string& pointer, Json value) {
  object[Pointer(pointer)] = std::move(value);
  return object;
}

// `object` without the value at `pointer`.
Json without(Json object, const std::string& pointer) {
  const Pointer path(pointer);
  object[path.parent_pointer()].erase(path.back());
  return object;
}

Json readyDeployment() {
  return Json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "generation": 2},
    "spec": {"replicas": 3, "progressDeadlineSeconds": 600},
    "status": {"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3,
               "readyReplicas": 3, "availableReplicas": 3,
               "conditions": [
                 {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                 {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}
  })");
}

Json readyDaemonSet() {
  return Json::parse(R"({
    "metadata": {"name": "agent", "generation": 4},
    "status": {"observedGeneration": 4, "desiredNumberScheduled": 2,
               "currentNumberScheduled": 2, "updatedNumberScheduled": 2,
               "numberAvailable": 2, "numberReady": 2}
  })");
}

Json readyStatefulSet() {
  return Json::parse(R"({
    "metadata": {"name": "db", "generation": 1},
    "spec": {"replicas": 3, "updateStrategy": {"type": "RollingUpdate"}},
    "status": {"observedGeneration": 1, "replicas": 3, "readyReplicas": 3,
               "availableReplicas": 3, "currentReplicas": 3, "updatedReplicas": 3,
               "currentRevision": "db-6f7", "updateRevision": "db-6f7"}
  })");
}

Json runningJob() {
  return Json::parse(R"({
    "metadata": {"name": "migrate", "generation": 1},
    "spec": {"backoffLimit": 6},
    "status": {"active": 1, "ready": 1, "startTime": "2026-05-01T10:00:00Z"}
  })");
}

Json jobCondition(const std::string& type, const std::string& reason, const std::string& message) {
  return Json{{"type", type}, {"status", "True"}, {"reason", reason}, {"message", message}};
}

Json pod(const std::string& name, Json status) {
  return Json{{"metadata", {{"name", name}}}, {"status", std::move(status)}};
}

Json waitingContainer(const std::string& name, const std::string& reason,
                      const std::string& message) {
  return Json{{"name", name},
              {"ready", false},
              {"state", {{"waiting", {{"reason", reason}, {"message", message}}}}}};
}

Json crashLoopingPod(const std::string& name, const std::string& container = "web") {
  Json status = waitingContainer(container, "CrashLoopBackOff", "back-off 5m0s restarting");
  status["lastState"] = {
      {"terminated", {{"exitCode", 2}, {"reason", "Error"}, {"message", "panic: boom"}}}};
  return pod(name, {{"phase", "Running"}, {"containerStatuses", {status}}});
}

// --- Deployment ---------------------------------------------------------------------------

TEST(stack_status_ServiceHealth, DeploymentRolledOutIsReady) {
  const ServiceHealth health = assess("Deployment", readyDeployment());
  EXPECT_TRUE(health.ready);
  EXPECT_FALSE(health.failed);
  EXPECT_EQ(health.name, "web");
  EXPECT_EQ(health.composeName, "Web");
  EXPECT_EQ(health.kind, "Deployment");
  EXPECT_EQ(health.desiredReplicas, 3);
  EXPECT_EQ(health.readyReplicas, 3);
  EXPECT_EQ(health.updatedReplicas, 3);
  EXPECT_EQ(health.availableReplicas, 3);
  EXPECT_EQ(health.waitingFor, "");
  EXPECT_EQ(health.message, "");
}

TEST(stack_status_ServiceHealth, DeploymentEachRolloutRuleKeepsItNotReady) {
  const std::vector<std::pair<std::string, Json>> unmet = {
      {"/status/observedGeneration", 1},  // the controller has not seen generation 2
      {"/status/updatedReplicas", 1},
      {"/status/replicas", 4},  // an old replica is still running
      {"/status/availableReplicas", 2},
      {"/status/readyReplicas", 2},
      {"/status/conditions/0/status", "False"},              // Available
      {"/status/conditions/1/reason", "ReplicaSetUpdated"},  // new ReplicaSet not available
      {"/status/conditions/1/reason", "ProgressDeadlineExceeded"},
      {"/spec/replicas", 2},  // scaling down: 3 updated replicas, 2 wanted
  };
  for (const auto& [pointer, value] : unmet) {
    const ServiceHealth health = assess("Deployment", with(readyDeployment(), pointer, value));
    EXPECT_FALSE(health.ready) << pointer << " = " << value;
    EXPECT_FALSE(health.failed) << pointer;
    EXPECT_FALSE(health.waitingFor.empty()) << pointer;
  }
}

TEST(stack_status_ServiceHealth, DeploymentWaitingForNamesTheUnmetStep) {
  EXPECT_EQ(assess("Deployment", with(readyDeployment(), "/status/updatedReplicas", 1)).waitingFor,
            "rollout: 1 of 3 replicas updated");
  EXPECT_EQ(assess("Deployment", with(readyDeployment(), "/status/replicas", 4)).waitingFor,
            "rollout: 1 old replicas pending termination");
  EXPECT_EQ(
      assess("Deployment", with(readyDeployment(), "/status/availableReplicas", 2)).waitingFor,
      "rollout: 2 of 3 replicas available");
  EXPECT_EQ(assess("Deployment", with(readyDeployment(), "/status/readyReplicas", 2)).waitingFor,
            "rollout: 2 of 3 replicas ready");
  EXPECT_EQ(
      assess("Deployment", with(readyDeployment(), "/status/observedGeneration", 1)).waitingFor,
      "rollout: generation 2 not yet observed by the controller");
}

TEST(stack_status_ServiceHealth, DeploymentWithoutObservedGenerationIsNotReady) {
  EXPECT_FALSE(
      assess("Deployment", without(readyDeployment(), "/status/observedGeneration")).ready);
}

TEST(stack_status_ServiceHealth, DeploymentWithoutProgressDeadlineDoesNotWaitForProgressing) {
  // kstatus: with no deadline the controller never reports progress, so it is not waited for.
  Json deployment = without(readyDeployment(), "/spec/progressDeadlineSeconds");
  deployment = with(deployment, "/status/conditions/1/reason", "ReplicaSetUpdated");
  EXPECT_TRUE(assess("Deployment", deployment).ready);
  deployment = with(deployment, "/spec/progressDeadlineSeconds", 2147483647);
  EXPECT_TRUE(assess("Deployment", deployment).ready);
}

TEST(stack_status_ServiceHealth, DeploymentDefaultsToOneReplica) {
  Json deployment = without(readyDeployment(), "/spec/replicas");
  for (const char* field : {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas"}) {
    deployment["status"][field] = 1;
  }
  const ServiceHealth health = assess("Deployment", deployment);
  EXPECT_TRUE(health.ready);
  EXPECT_EQ(health.desiredReplicas, 1);
}

TEST(stack_status_ServiceHealth, DeploymentScaledToZeroIsReady) {
  const Json deployment = Json::parse(R"({
    "metadata": {"generation": 3},
    "spec": {"replicas": 0, "progressDeadlineSeconds": 600},
    "status": {"observedGeneration": 3, "conditions": [
      {"type": "Available", "status": "True"},
      {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}
  })");
  EXPECT_TRUE(assess("Deployment", deployment).ready);
}

TEST(stack_status_ServiceHealth, ProgressDeadlineExceededIsAMessageNotATerminalFailure) {
  Json deployment = with(readyDeployment(), "/status/availableReplicas", 2);
  deployment["status"]["conditions"][1] = {
      {"type", "Progressing"},
      {"status", "False"},
      {"reason", "ProgressDeadlineExceeded"},
      {"message", "ReplicaSet \"web-7d9\" has timed out progressing."}};
  const ServiceHealth health = assess("Deployment", deployment);
  EXPECT_FALSE(health.ready);
  EXPECT_FALSE(health.failed);
  EXPECT_EQ(health.message,
            "progress deadline exceeded: ProgressDeadlineExceeded: ReplicaSet \"web-7d9\" has "
            "timed out progressing.");
  // Every count right, the deadline passed all the same: that is what it waits on.
  deployment = with(deployment, "/status/availableReplicas", 3);
  EXPECT_EQ(assess("Deployment", deployment).waitingFor, "rollout: progress deadline exceeded");
}

TEST(stack_status_ServiceHealth, ReplicaFailureGoesIntoTheMessage) {
  // What a Pod Security violation looks like on a Deployment (operator-conventions.md §4).
  Json deployment = with(readyDeployment(), "/status/replicas", 0);
  deployment["status"]["conditions"].push_back(
      {{"type", "ReplicaFailure"},
       {"status", "True"},
       {"reason", "FailedCreate"},
       {"message", "pods \"web-7d9-x\" is forbidden: violates PodSecurity \"restricted:latest\""}});
  const ServiceHealth health = assess("Deployment", deployment);
  EXPECT_FALSE(health.ready);
  EXPECT_EQ(health.message,
            "ReplicaFailure: FailedCreate: pods \"web-7d9-x\" is forbidden: violates PodSecurity "
            "\"restricted:latest\"");
}

TEST(stack_status_ServiceHealth, MissingWorkloadWaitsForCreation) {
  const Json failing = crashLoopingPod("web-1");
  const ServiceHealth health = assessService("web", "web", "Deployment", nullptr, {&failing});
  EXPECT_FALSE(health.ready);
  EXPECT_EQ(health.waitingFor, "creation");
  EXPECT_EQ(health.message, "");  // leftover pods of a deleted workload say nothing
}

TEST(stack_status_ServiceHealth, JunkShapesReadAsAbsentWithoutThrowing) {
  const std::vector<Json> junk = {
      Json::parse(R"({"status": "x", "spec": []})"),
      Json::parse(R"({"metadata": {"generation": "2"}, "status": {"observedGeneration": 2.0,
                      "replicas": "3", "conditions": 5}})"),
      Json::parse(R"({"status": {"conditions": [1, null, {"type": 7}]}})"),
      Json::parse(R"([1, 2])"),
  };
  for (const char* kind : {"Deployment", "DaemonSet", "StatefulSet", "Job"}) {
    for (const Json& workload : junk) {
      const Json junkPod = Json::parse(R"({"metadata": 1, "status": {"containerStatuses": [
          3, {"state": {"waiting": "x"}}, {"state": {"terminated": {"exitCode": "1"}}}]}})");
      ServiceHealth health;
      EXPECT_NO_THROW(health = assess(kind, workload, {&junkPod, nullptr}));
      EXPECT_FALSE(health.ready) << kind << " " << workload;
    }
  }
}

TEST(stack_status_ServiceHealth, UnknownKindIsNeverReady) {
  const ServiceHealth health = assess("CronJob", readyDeployment());
  EXPECT_FALSE(health.ready);
  EXPECT_EQ(health.message, "unsupported workload kind \"CronJob\"");
}

// --- DaemonSet ----------------------------------------------------------------------------

TEST(stack_status_ServiceHealth, DaemonSetScheduledAndReadyEverywhereIsReady) {
  const ServiceHealth health = assess("DaemonSet", readyDaemonSet());
  EXPECT_TRUE(health.ready);
  EXPECT_EQ(health.desiredReplicas, 2);
  EXPECT_EQ(health.readyReplicas, 2);
  EXPECT_EQ(health.updatedReplicas, 2);
  EXPECT_EQ(health.availableReplicas, 2);
}

TEST(stack_status_ServiceHealth, DaemonSetWithNoNodeToRunOnIsReady) {
  Json daemonSet = readyDaemonSet();
  for (const char* field : {"desiredNumberScheduled", "currentNumberScheduled",
                            "updatedNumberScheduled", "numberAvailable", "numberReady"}) {
    daemonSet["status"][field] = 0;
  }
  EXPECT_TRUE(assess("DaemonSet", daemonSet).ready);
}

TEST(stack_status_ServiceHealth, DaemonSetEachRuleKeepsItNotReady) {
  const std::vector<std::pair<std::string, Json>> unmet = {
      {"/status/observedGeneration", 3},
      {"/status/currentNumberScheduled", 1},
      {"/status/updatedNumberScheduled", 1},
      {"/status/numberAvailable", 1},
      {"/status/numberReady", 1},
  };
  for (const auto& [pointer, value] : unmet) {
    EXPECT_FALSE(assess("DaemonSet", with(readyDaemonSet(), pointer, value)).ready) << pointer;
  }
  // kstatus: a DaemonSet's generations and desired count must be present.
  for (const char* pointer :
       {"/status/observedGeneration", "/metadata/generation", "/status/desiredNumberScheduled"}) {
    EXPECT_FALSE(assess("DaemonSet", without(readyDaemonSet(), pointer)).ready) << pointer;
  }
  EXPECT_EQ(assess("DaemonSet", with(readyDaemonSet(), "/status/numberReady", 1)).waitingFor,
            "rollout: 1 of 2 pods ready");
}

TEST(stack_status_ServiceHealth, DaemonSetWithoutADesiredCountIsNotReadyEvenWithZeroPods) {
  // Just observed, before the controller counted the nodes: every count absent (0).
  const Json daemonSet =
      Json::parse(R"({"metadata": {"generation": 1}, "status": {"observedGeneration": 1}})");
  const ServiceHealth health = assess("DaemonSet", daemonSet);
  EXPECT_FALSE(health.ready);
  EXPECT_EQ(health.waitingFor, "rollout: the number of nodes to run on is not yet known");
}

// --- StatefulSet --------------------------------------------------------------------------

TEST(stack_status_ServiceHealth, StatefulSetRolledOutIsReady) {
  const ServiceHealth health = assess("StatefulSet", readyStatefulSet());
  EXPECT_TRUE(health.ready);
  EXPECT_EQ(health.desiredReplicas, 3);
  EXPECT_EQ(health.updatedReplicas, 3);
}

TEST(stack_status_ServiceHealth, StatefulSetEachRuleKeepsItNotReady) {
  const std::vector<std::pair<std::string, Json>> unmet = {
      {"/metadata/generation", 2},
      {"/status/replicas", 2},
      {"/status/replicas", 4},
      {"/status/readyReplicas", 2},
      {"/status/availableReplicas", 2},
      {"/status/updatedReplicas", 2},
      {"/status/updateRevision", "db-8a1"},
  };
  for (const auto& [pointer, value] : unmet) {
    EXPECT_FALSE(assess("StatefulSet", with(readyStatefulSet(), pointer, value)).ready)
        << pointer << " = " << value;
  }
}

TEST(stack_status_ServiceHealth, StatefulSetOnDeleteDoesNotWaitForUpdates) {
  Json statefulSet = with(readyStatefulSet(), "/spec/updateStrategy/type", "OnDelete");
  statefulSet = with(statefulSet, "/status/updatedReplicas", 0);
  statefulSet = with(statefulSet, "/status/updateRevision", "db-8a1");
  EXPECT_TRUE(assess("StatefulSet", statefulSet).ready);
  // Its pods must still be ready.
  EXPECT_FALSE(assess("StatefulSet", with(statefulSet, "/status/readyReplicas", 2)).ready);
}

TEST(stack_status_ServiceHealth, StatefulSetPartitionWaitsOnlyForReplicasAboveIt) {
  Json statefulSet = with(readyStatefulSet(), "/spec/updateStrategy/rollingUpdate/partition", 2);
  statefulSet = with(statefulSet, "/status/updateRevision", "db-8a1");
  statefulSet = with(statefulSet, "/status/updatedReplicas", 1);
  EXPECT_TRUE(assess("StatefulSet", statefulSet).ready);
  const ServiceHealth behind =
      assess("StatefulSet", with(statefulSet, "/status/updatedReplicas", 0));
  EXPECT_FALSE(behind.ready);
  EXPECT_EQ(behind.waitingFor, "rollout: 0 of 1 replicas above the partition updated");
}

// --- Job ----------------------------------------------------------------------------------

TEST(stack_status_ServiceHealth, JobCompleteIsReady) {
  Json job = runningJob();
  job["status"]["succeeded"] = 1;
  job["status"]["conditions"] = {jobCondition("Complete", "CompletionsReached", "")};
  const ServiceHealth health = assess("Job", job);
  EXPECT_TRUE(health.ready);
  EXPECT_FALSE(health.failed);
  EXPECT_EQ(health.desiredReplicas, 1);  // spec.completions unset
  EXPECT_EQ(health.succeeded, 1);
}

TEST(stack_status_ServiceHealth, JobRunningWaitsForCompletion) {
  Json job = with(runningJob(), "/spec/completions", 3);
  job["status"]["succeeded"] = 1;
  job["status"]["conditions"] = {jobCondition("SuccessCriteriaMet", "x", "")};
  const ServiceHealth health = assess("Job", job);
  EXPECT_FALSE(health.ready);
  EXPECT_FALSE(health.failed);
  EXPECT_EQ(health.desiredReplicas, 3);
  EXPECT_EQ(health.readyReplicas, 1);
  EXPECT_EQ(health.waitingFor, "completion: 1 of 3 succeeded");
}

TEST(stack_status_ServiceHealth, JobFailedIsTerminalWithItsReason) {
  Json job = runningJob();
  job["status"]["conditions"] = {jobCondition("Failed", "BackoffLimitExceeded",
                                              "Job has reached the specified backoff limit")};
  const ServiceHealth health = assess("Job", job);
  EXPECT_FALSE(health.ready);
  EXPECT_TRUE(health.failed);
  EXPECT_EQ(health.waitingFor, "");
  EXPECT_EQ(health.message,
            "job failed: BackoffLimitExceeded: Job has reached the specified backoff limit");
}

TEST(stack_status_ServiceHealth, JobFailureTargetIsTerminalToo) {
  Json job = runningJob();
  job["status"]["conditions"] = {jobCondition("FailureTarget", "PodFailurePolicy", "")};
  EXPECT_TRUE(assess("Job", job).failed);
  job["status"]["conditions"][0]["status"] = "False";
  EXPECT_FALSE(assess("Job", job).failed);
}

TEST(stack_status_ServiceHealth, FailedJobMessageStartsWithThePodsFailure) {
  Json job = runningJob();
  job["status"]["conditions"] = {jobCondition("Failed", "BackoffLimitExceeded", "")};
  const Json failed = pod(
      "migrate-x",
      {{"phase", "Failed"},
       {"containerStatuses",
        {{{"name", "migrate"},
          {"state",
           {{"terminated", {{"exitCode", 3}, {"reason", "Error"}, {"message", "no table"}}}}}}}}});
  EXPECT_EQ(assess("Job", job, {&failed}).message,
            "container \"migrate\" of pod migrate-x: terminated with exit code 3 (Error): no "
            "table; job failed: BackoffLimitExceeded");
}

TEST(stack_status_ServiceHealth, JobSuspendedSaysSo) {
  Json job = runningJob();
  job["status"]["conditions"] = {jobCondition("Suspended", "JobSuspended", "")};
  EXPECT_EQ(assess("Job", job).waitingFor, "completion: the Job is suspended");
}

// --- Pods ---------------------------------------------------------------------------------

TEST(stack_status_ServiceHealth, CrashLoopReportsTheLastTermination) {
  const Json notReady = with(readyDeployment(), "/status/readyReplicas", 2);
  Json crashing = crashLoopingPod("web-7d9-b");
  crashing["status"]["containerStatuses"][0]["lastState"]["terminated"]["message"] =
      "panic: boom\n\tgoroutine 1 [running]:\n";
  EXPECT_EQ(assess("Deployment", notReady, {&crashing}).message,
            "container \"web\" of pod web-7d9-b: CrashLoopBackOff, last exit code 2 (Error): "
            "panic: boom goroutine 1 [running]:");
}

TEST(stack_status_ServiceHealth, CrashLoopWithoutLastStateGivesTheWaitingMessage) {
  const Json notReady = with(readyDeployment(), "/status/readyReplicas", 2);
  const Json crashing = pod(
      "web-1", {{"containerStatuses", {waitingContainer("web", "CrashLoopBackOff", "back-off")}}});
  EXPECT_EQ(assess("Deployment", notReady, {&crashing}).message,
            "container \"web\" of pod web-1: CrashLoopBackOff: back-off");
}

TEST(stack_status_ServiceHealth, EachFailingWaitingReasonIsReported) {
  const Json notReady = with(readyDeployment(), "/status/readyReplicas", 2);
  for (const char* reason :
       {"ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError", "CreateContainerError",
        "RunContainerError", "InvalidImageName", "CrashLoopBackOff"}) {
    const Json failing =
        pod("web-1",
            {{"containerStatuses", {waitingContainer("app", reason, "secret \"s\" not found")}}});
    EXPECT_EQ(assess("Deployment", notReady, {&failing}).message,
              std::string("container \"app\" of pod web-1: ") + reason + ": secret \"s\" not found")
        << reason;
  }
  for (const char* reason : {"ContainerCreating", "PodInitializing"}) {
    const Json starting =
        pod("web-1", {{"containerStatuses", {waitingContainer("app", reason, "")}}});
    EXPECT_EQ(assess("Deployment", notReady, {&starting}).message, "") << reason;
  }
}

TEST(stack_status_ServiceHealth, NonZeroExitIsReportedAndZeroIsNot) {
  const Json notReady = with(readyDeployment(), "/status/readyReplicas", 2);
  Json killed = pod(
      "web-1", {{"containerStatuses",
                 {{{"name", "app"},
                   {"state", {{"terminated", {{"exitCode", 137}, {"reason", "OOMKilled"}}}}}}}}});
  EXPECT_EQ(assess("Deployment", notReady, {&killed}).message,
            "container \"app\" of pod web-1: terminated with exit code 137 (OOMKilled)");
  killed["status"]["containerStatuses"][0]["state"]["terminated"] = {{"exitCode", 0},
                                                                     {"reason", "Completed"}};
  EXPECT_EQ(assess("Deployment", notReady, {&killed}).message, "");
}

TEST(stack_status_ServiceHealth, InitContainersAreCheckedFirst) {
  const Json notReady = with(readyDeployment(), "/status/readyReplicas", 2);
  Json status = crashLoopingPod("web-1", "app")["status"];
  status["initContainerStatuses"] = {
      {{"name", "migrate"},
       {"state", {{"terminated", {{"exitCode", 1}, {"message", "connection refused"}}}}}}};
  const Json both = pod("web-1", status);
  EXPECT_EQ(assess("Deployment", notReady, {&both}).message,
            "init container \"migrate\" of pod web-1: terminated with exit code 1: connection "
            "refused");
}

TEST(stack_status_ServiceHealth, UnschedulablePodGivesTheSchedulersMessage) {
  const Json notReady = with(readyDeployment(), "/status/readyReplicas", 2);
  const Json pending = Json::parse(R"({"metadata": {"name": "web-1"}, "status": {
      "phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
      "reason": "Unschedulable", "message": "0/3 nodes are available: 3 Insufficient cpu."}]}})");
  EXPECT_EQ(assess("Deployment", notReady, {&pending}).message,
            "pod web-1: Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.");
}

TEST(stack_status_ServiceHealth, FirstFailingPodAndContainerByNameWhateverTheOrder) {
  const Json notReady = with(readyDeployment(), "/status/readyReplicas", 1);
  const Json a = crashLoopingPod("web-a");
  const Json b = crashLoopingPod("web-b");
  const Json healthy = pod("web-0", {{"phase", "Running"}});
  EXPECT_EQ(assess("Deployment", notReady, {&b, &healthy, &a}).message,
            assess("Deployment", notReady, {&a, &healthy, &b}).message);
  EXPECT_TRUE(assess("Deployment", notReady, {&b, &a}).message.find("pod web-a:") !=
              std::string::npos);

  Json twoContainers = crashLoopingPod("web-c", "zeta");
  twoContainers["status"]["containerStatuses"].push_back(
      waitingContainer("alpha", "ImagePullBackOff", "Back-off pulling image"));
  EXPECT_EQ(assess("Deployment", notReady, {&twoContainers}).message,
            "container \"alpha\" of pod web-c: ImagePullBackOff: Back-off pulling image");
}

TEST(stack_status_ServiceHealth, TerminatingAndSucceededPodsAreSkipped) {
  const Json notReady = with(readyDeployment(), "/status/readyReplicas", 2);
  Json terminating = crashLoopingPod("web-a");
  terminating["metadata"]["deletionTimestamp"] = "2026-05-01T10:00:00Z";
  Json succeeded = crashLoopingPod("web-b");
  succeeded["status"]["phase"] = "Succeeded";
  const Json current = crashLoopingPod("web-c");
  const std::string message =
      assess("Deployment", notReady, {&terminating, &succeeded, &current}).message;
  EXPECT_TRUE(message.find("pod web-c:") != std::string::npos) << message;
}

TEST(stack_status_ServiceHealth, ReadyServiceHasNoMessage) {
  const Json crashing = crashLoopingPod("web-old");
  EXPECT_EQ(assess("Deployment", readyDeployment(), {&crashing}).message, "");
}

TEST(stack_status_ServiceHealth, MessageIsOneBoundedLineOfValidUtf8) {
  const Json notReady = with(readyDeployment(), "/status/readyReplicas", 2);
  std::string huge;
  for (int i = 0; i < 2000; ++i) {
    huge += "at \u65e5\u672c\xff frame\n";
  }
  Json crashing = crashLoopingPod("web-1");
  crashing["status"]["containerStatuses"][0]["lastState"]["terminated"]["message"] = huge;
  // \xff is a byte an API server would never send; it must not survive either.
  const ServiceHealth health = assess("Deployment", notReady, {&crashing});
  EXPECT_LE(health.message.size(), kMaxServiceMessageBytes);
  EXPECT_EQ(health.message.find('\n'), std::string::npos);
  EXPECT_TRUE(validUtf8(health.message));
  EXPECT_TRUE(health.message.starts_with(
      "container \"web\" of pod web-1: CrashLoopBackOff, last exit code 2 (Error): at "))
      << health.message;
  EXPECT_TRUE(health.message.ends_with("...")) << health.message;
}

TEST(stack_status_ServiceHealth, TerminationMessageIsBoundedSoTheWorkloadConditionStillFits) {
  Json job = runningJob();
  job["status"]["conditions"] = {jobCondition("Failed", "BackoffLimitExceeded", "limit")};
  Json failed = pod(
      "migrate-x",
      {{"containerStatuses",
        {{{"name", "migrate"},
          {"state", {{"terminated", {{"exitCode", 1}, {"message", std::string(4096, 'x')}}}}}}}}});
  const std::string message = assess("Job", job, {&failed}).message;
  EXPECT_LE(message.size(), kMaxServiceMessageBytes);
  EXPECT_TRUE(message.ends_with("; job failed: BackoffLimitExceeded: limit")) << message;
}

}  // namespace
}  // namespace cop::stack
