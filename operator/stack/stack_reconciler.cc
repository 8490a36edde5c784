#include "operator/stack/stack_reconciler.h"

#include <chrono>
#include <set>

#include "operator/apply/apply_cache.h"
#include "operator/apply/pruner.h"
#include "operator/client/json_fields.h"
#include "operator/common/message_text.h"
#include "operator/leaderelection/lease_record.h"
#include "operator/stack/ownership.h"
#include "operator/stack/service_health.h"
#include "operator/stack/stack_conditions.h"
#include "operator/stack/stack_status.h"
#include "operator/stack/stack_translation.h"
#include "operator/stack/startup_order.h"
#include "operator/translate/defaults.h"

namespace cop::stack {

namespace {

using Json = nlohmann::json;

// Verdict reasons of this file (the translator and the loader bring their own codes).
constexpr const char* kReasonInvalidSpec = "InvalidSpec";
constexpr const char* kReasonNameConflict = "NameConflict";
constexpr const char* kReasonApplyRejected = "ApplyRejected";
constexpr const char* kReasonPodSecurity = "PodSecurityViolation";
constexpr const char* kReasonJobFailed = "JobFailed";
constexpr const char* kReasonSucceeded = "Succeeded";
constexpr const char* kReasonProgressing = "Progressing";
constexpr const char* kReasonSuspended = "Suspended";
constexpr const char* kReasonRetrying = "ProgressingWithRetry";
constexpr const char* kJobKind = "Job";
// The API server's message for a change of an immutable field (a Job's pod template).
constexpr const char* kImmutableMarker = "field is immutable";
// The code of a read of the spec's sources that a retry may cure (stack_inputs.h).
constexpr std::string_view kCodeSourceUnreadable = "SourceUnreadable";

// Pod Security admission's warning and error texts (k8s.io/pod-security-admission): "would
// violate PodSecurity" on a workload, "violates PodSecurity" on a refused pod.
constexpr std::string_view kPodSecurityMarkers[] = {"violate PodSecurity", "violates PodSecurity"};

bool mentionsPodSecurity(std::string_view text) {
  for (std::string_view marker : kPodSecurityMarkers) {
    if (text.find(marker) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// metav1.Time: RFC 3339 in whole seconds, UTC (the MicroTime text without its fraction).
std::string nowRfc3339() {
  constexpr std::size_t kWholeSeconds = 19;  // "2026-12-02T16:00:00"
  const std::string micro = leaderelection::formatMicroTime(
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()));
  return micro.substr(0, kWholeSeconds) + "Z";
}

// A problem that makes the stack Stalled: the user must act.
struct Problem {
  std::string reason;
  std::string message;
};

DependencyCondition startCondition(translate::DependencyCondition condition) {
  switch (condition) {
    case translate::DependencyCondition::kHealthy:
      return DependencyCondition::kHealthy;
    case translate::DependencyCondition::kCompletedSuccessfully:
      return DependencyCondition::kCompletedSuccessfully;
    case translate::DependencyCondition::kStarted:
      break;
  }
  return DependencyCondition::kStarted;
}

// Errors a retry cannot cure: the API server refused the object itself.
bool isRejection(const client::ApiError& error) {
  using Kind = client::ApiErrorKind;
  switch (error.kind) {
    case Kind::BadRequest:
    case Kind::Forbidden:
    case Kind::NotFound:  // the namespace is gone, or the kind is not served
    case Kind::MethodNotAllowed:
    case Kind::NotAcceptable:
    case Kind::AlreadyExists:
    case Kind::RequestEntityTooLarge:
    case Kind::UnsupportedMediaType:
    case Kind::Invalid:
      return true;
    default:
      return false;
  }
}

// The pod-creation failure a workload reports (ReplicaFailure / FailedCreate), when Pod
// Security refused its pods.
std::string podSecurityRefusal(const Json* workload) {
  if (workload == nullptr) {
    return {};
  }
  const Json* status = client::objectAt(*workload, "status");
  const Json* conditions = status != nullptr ? client::fieldAt(*status, "conditions") : nullptr;
  if (conditions == nullptr || !conditions->is_array()) {
    return {};
  }
  for (const Json& condition : *conditions) {
    const std::string message = client::stringAt(condition, "message");
    if (client::stringAt(condition, "status") == "True" && mentionsPodSecurity(message)) {
      return message;
    }
  }
  return {};
}

}  // namespace

struct StackReconciler::Prepared {
  std::string nameSpace;
  std::string name;
  std::string inputKey;
  std::optional<StackSpec> spec;
  std::map<std::string, std::string> secretValues;
  std::optional<translate::Translation> translation;  // objects carry namespace and owner
  std::set<apply::ObjectRef> desired;
  std::optional<Problem> failure;  // no translation: why
  bool retriable = false;          // the failure may pass by itself (an unreadable source)

  std::string redact(std::string message) const {
    return redactValues(std::move(message), secretValues);
  }
};

StackReconciler::StackReconciler(client::ApiClient& api, const StackCaches& caches,
                                 SourceObjects& sources, apply::ApplyCache& applyCache,
                                 EventRecorder& events)
    : api_(api), caches_(caches), sources_(sources), applier_(api, applyCache), events_(events) {
  for (client::ApiResource& resource : managedResources()) {
    std::string kind = resource.kind;
    resources_.emplace(std::move(kind), std::move(resource));
  }
}

StackReconciler::~StackReconciler() = default;

std::shared_ptr<const StackReconciler::Prepared> StackReconciler::prepare(
    const Json& stack, const reconcile::ReconcileContext& context) {
  const Json& metadata = stack.at("metadata");
  const std::string uid = client::stringAt(metadata, "uid");
  auto prepared = std::make_shared<Prepared>();
  prepared->nameSpace = client::stringAt(metadata, "namespace");
  prepared->name = client::stringAt(metadata, "name");
  const Json spec = stack.value("spec", Json());

  // The inputs' identity: the generation (the API server bumps it on every change of the spec,
  // so the spec itself need not be hashed on every pass), and the resourceVersion of every
  // Secret and ConfigMap it reads (from the metadata caches: no read of their content unless
  // one changed).
  Json key = {{"uid", uid},
              {"generation", metadata.value("generation", std::int64_t{0})},
              {"sources", Json::array()}};
  auto parsed = parseStackSpec(spec);
  if (parsed) {
    for (const SourceReference& ref : sourceReferences(*parsed)) {
      const KindCache* cache = caches_.kind(std::string(kindName(ref.kind)));
      const cache::ObjectPtr live =
          cache != nullptr ? cache->get(prepared->nameSpace, ref.name) : nullptr;
      key["sources"].push_back(
          {std::string(kindName(ref.kind)), ref.name,
           live != nullptr ? client::stringAt(live->at("metadata"), "resourceVersion") : ""});
    }
  }
  prepared->inputKey = apply::desiredHash(key);
  {
    const std::lock_guard lock(mutex_);
    const auto found = prepared_.find(uid);
    if (found != prepared_.end() && found->second->inputKey == prepared->inputKey) {
      return found->second;
    }
  }

  if (!isValidStackName(prepared->name)) {
    prepared->failure =
        Problem{kReasonInvalidSpec,
                "metadata.name: a ComposeStack's name must be a DNS-1123 label of at most " +
                    std::to_string(kMaxStackNameLength) + " characters"};
  } else if (!parsed) {
    prepared->failure = Problem{kReasonInvalidSpec, parsed.error()};
  } else {
    prepared->spec = *parsed;
    auto inputs = gatherInputs(*parsed, prepared->nameSpace, sources_);
    if (!inputs) {
      prepared->failure = Problem{inputs.error().code, inputs.error().message};
      prepared->retriable = inputs.error().code == kCodeSourceUnreadable;
    } else {
      prepared->secretValues = inputs->secretValues;
      auto translation = translateInputs({prepared->name, prepared->nameSpace}, *parsed, *inputs);
      if (!translation) {
        prepared->failure =
            Problem{translation.error().code, prepared->redact(translation.error().where.format())};
      } else {
        const StackOwner owner{prepared->name, prepared->nameSpace, uid, parsed->volumeRetention};
        for (translate::Object& object : translation->objects) {
          object["metadata"]["namespace"] = prepared->nameSpace;
          setOwner(object, owner);
          prepared->desired.insert({client::splitGroupVersion(object.value("apiVersion", "")).first,
                                    object.value("kind", ""), prepared->nameSpace,
                                    object["metadata"].value("name", "")});
        }
        prepared->translation = std::move(*translation);
      }
    }
  }
  context.logger.info(
      "translated the stack",
      {{"inputHash", prepared->inputKey},
       {"objects", prepared->translation ? prepared->translation->objects.size() : 0},
       {"failed", prepared->failure.has_value()}});
  const std::lock_guard lock(mutex_);
  if (!prepared->retriable) {
    prepared_[uid] = prepared;
  }
  return prepared;
}

// What one pass finds, in the order the steps fill it in.
struct StackReconciler::Pass {
  const reconcile::ReconcileContext& context;
  const reconcile::Request& request;
  const Prepared& prepared;
  StackOwner owner;
  StackStatus status;
  std::vector<Problem> problems;          // each makes the stack Stalled
  std::optional<std::string> retryError;  // the pass failed in a way a retry may cure
  // Per service, for the re-assessment; holding the pointers keeps the pods alive while the
  // informer replaces them in its store.
  std::vector<std::vector<cache::ObjectPtr>> podsOf;
  std::set<std::pair<std::string, std::string>> gated;  // (kind, name) of held workloads
  // The server's answer for each workload this pass changed, by (kind, name).
  std::map<std::pair<std::string, std::string>, Json> appliedWorkloads;
};

void StackReconciler::assessServices(Pass& pass) const {
  const translate::Translation& translation = *pass.prepared.translation;
  const std::string& ns = pass.request.ns;
  std::vector<ServiceNode> nodes;
  std::map<std::string, ServiceProgress> progress;
  for (const translate::ServiceManifest& manifest : translation.services) {
    const KindCache* workloads = caches_.kind(manifest.workloadKind);
    const cache::ObjectPtr workload =
        workloads != nullptr ? workloads->get(ns, manifest.name) : nullptr;
    std::vector<cache::ObjectPtr> podObjects =
        caches_.pods.byLabel(ns, std::string(translate::kServiceLabel), manifest.name);
    std::erase_if(podObjects, [&](const cache::ObjectPtr& pod) {
      return labelOf(*pod, translate::kStackLabel) != pass.request.name;
    });
    ServiceHealth health = assess(manifest, workload.get(), podObjects, pass.prepared);
    pass.podsOf.push_back(std::move(podObjects));
    if (health.failed) {
      pass.problems.push_back(
          {kReasonJobFailed, "service " + manifest.composeName + ": " + health.message});
    }
    if (const std::string refusal = podSecurityRefusal(workload.get()); !refusal.empty()) {
      pass.problems.push_back({kReasonPodSecurity, "service " + manifest.composeName + ": " +
                                                       pass.prepared.redact(refusal)});
    }
    progress[manifest.name] = {workload != nullptr, health.ready,
                               manifest.workloadKind == kJobKind && health.ready};
    ServiceNode node{manifest.name, {}};
    for (const translate::ServiceDependency& dependency : manifest.dependsOn) {
      node.dependsOn.push_back(
          {dependency.name, startCondition(dependency.condition), dependency.required});
    }
    nodes.push_back(std::move(node));
    pass.status.services.push_back(std::move(health));
  }
  const std::vector<StartDecision> decisions = planStartup(nodes, progress);
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    if (!decisions[i].mayApply) {
      pass.gated.emplace(translation.services[i].workloadKind, translation.services[i].name);
      pass.status.services[i].waitingFor = decisions[i].waitingFor;
    }
  }
}

ServiceHealth StackReconciler::assess(const translate::ServiceManifest& manifest,
                                      const Json* workload,
                                      const std::vector<cache::ObjectPtr>& podObjects,
                                      const Prepared& prepared) {
  std::vector<const Json*> pods;
  for (const cache::ObjectPtr& pod : podObjects) {
    pods.push_back(pod.get());
  }
  ServiceHealth health =
      assessService(manifest.name, manifest.composeName, manifest.workloadKind, workload, pods);
  health.message = prepared.redact(health.message);
  return health;
}

void StackReconciler::applyObject(const translate::Object& object, Pass& pass) {
  const std::string kind = object.value("kind", "");
  const std::string name = object["metadata"].value("name", "");
  const std::string& ns = pass.request.ns;
  const KindCache* cache = caches_.kind(kind);
  const auto known = resources_.find(kind);
  if (cache == nullptr || known == resources_.end()) {
    pass.problems.push_back({kReasonApplyRejected, "the translation made a " + kind +
                                                       ", which the operator does not manage"});
    return;
  }
  const client::ApiResource& resource = known->second;
  std::string liveVersion;
  cache::ObjectPtr live = cache->get(ns, name);
  if (live == nullptr) {
    // Not among our labelled objects: someone else's may hold the name.
    auto existing = api_.get(resource, ns, name, {.metadataOnly = true});
    if (existing) {
      live = std::make_shared<const Json>(std::move(existing->object));
    } else if (!client::isNotFound(existing.error())) {
      pass.retryError = existing.error().describe();
      return;
    }
  } else {
    liveVersion = client::stringAt(live->at("metadata"), "resourceVersion");
  }
  if (live != nullptr && ownershipOf(*live, kind, pass.owner) == Ownership::kForeign) {
    pass.problems.push_back(
        {kReasonNameConflict,
         "the " + kind + " '" + name + "' already exists in the namespace '" + ns +
             "' and is not managed by this stack; the operator does not take it over: "
             "delete or rename it, or rename the service"});
    return;
  }
  auto applied = applier_.apply(resource, ns, object, liveVersion,
                                {.fieldManager = kFieldManager, .force = true});
  if (!applied) {
    const client::ApiError& error = applied.error();
    if (kind == kJobKind && client::isInvalid(error) &&
        error.message.find(kImmutableMarker) != std::string::npos && live != nullptr) {
      // A Job's pod template cannot change: a Job whose image or config changed is replaced
      // (docker compose recreates the container too). Deleted now, created by the next pass
      // once the deletion is seen.
      if (auto removed = removeIncarnation(resource, ns, *live); !removed) {
        pass.retryError = "replacing Job " + name + ": " + removed.error().describe();
      } else {
        pass.context.logger.info("replacing a Job whose pod template changed", {{"object", name}});
        pass.retryError = "Job " + name + " is being replaced";
      }
      return;
    }
    if (!isRejection(error)) {
      pass.retryError = kind + " " + name + ": " + error.describe();
      return;
    }
    pass.problems.push_back(
        {mentionsPodSecurity(error.message) ? kReasonPodSecurity : kReasonApplyRejected,
         "the API server rejected the " + kind + " '" + name +
             "': " + pass.prepared.redact(error.message)});
    return;
  }
  if (applied->action == apply::ApplyAction::Applied && applied->object && needsFullObjects(kind)) {
    pass.appliedWorkloads.emplace(std::make_pair(kind, name), *applied->object);
  }
  for (const std::string& warning : applied->warnings) {
    if (mentionsPodSecurity(warning)) {
      pass.problems.push_back({kReasonPodSecurity, "the " + kind + " '" + name +
                                                       "': " + pass.prepared.redact(warning)});
    }
  }
}

void StackReconciler::pruneObjects(Pass& pass) {
  const std::string& ns = pass.request.ns;
  for (const auto& [managedKind, resource] : resources_) {
    const KindCache* cache = caches_.kind(resource.kind);
    if (cache == nullptr) {
      continue;
    }
    for (const cache::ObjectPtr& child :
         cache->byLabel(ns, std::string(translate::kStackLabel), pass.request.name)) {
      const std::string childName = client::stringAt(child->at("metadata"), "name");
      if (pass.prepared.desired.contains({resource.group, resource.kind, ns, childName}) ||
          !apply::isControlledBy(*child, pass.owner.uid)) {
        continue;
      }
      if (auto removed = removeIncarnation(resource, ns, *child); !removed) {
        pass.retryError =
            "deleting " + resource.kind + " " + childName + ": " + removed.error().describe();
        continue;
      }
      pass.context.logger.info("pruned an object the stack no longer makes",
                               {{"kind", resource.kind}, {"object", childName}});
    }
  }
}

Expected<void, client::ApiError> StackReconciler::removeIncarnation(
    const client::ApiResource& resource, const std::string& nameSpace, const Json& live) {
  const Json& metadata = live.at("metadata");
  client::DeleteOptions options;
  options.propagation = client::PropagationPolicy::Background;
  options.preconditionUid = client::stringAt(metadata, "uid");
  auto removed = api_.remove(resource, nameSpace, client::stringAt(metadata, "name"), options);
  // Gone already, or replaced by another incarnation meanwhile: nothing for us to delete.
  if (!removed && !client::isNotFound(removed.error()) && !client::isConflict(removed.error())) {
    return Unexpected(std::move(removed).error());
  }
  return {};
}

void StackReconciler::reassessAppliedWorkloads(Pass& pass) const {
  const translate::Translation& translation = *pass.prepared.translation;
  for (std::size_t i = 0; i < translation.services.size(); ++i) {
    const translate::ServiceManifest& manifest = translation.services[i];
    const auto applied = pass.appliedWorkloads.find({manifest.workloadKind, manifest.name});
    if (applied == pass.appliedWorkloads.end()) {
      continue;
    }
    const std::string waitingFor = pass.status.services[i].waitingFor;
    pass.status.services[i] = assess(manifest, &applied->second, pass.podsOf[i], pass.prepared);
    if (!waitingFor.empty()) {
      pass.status.services[i].waitingFor = waitingFor;
    }
  }
}

StackVerdict StackReconciler::verdictOf(const Pass& pass) {
  if (!pass.problems.empty()) {
    std::string message;
    for (const Problem& problem : pass.problems) {
      message += (message.empty() ? "" : "; ") + problem.message;
    }
    return {StackPhase::kStalled, pass.problems.front().reason, message};
  }
  if (pass.prepared.spec->suspend) {
    return {StackPhase::kSuspended, kReasonSuspended,
            "spec.suspend is true: the operator changes nothing until it is false"};
  }
  if (pass.retryError) {
    return {StackPhase::kRetrying, kReasonRetrying, pass.prepared.redact(*pass.retryError)};
  }
  std::size_t ready = 0;
  std::string waiting;
  for (const ServiceHealth& health : pass.status.services) {
    if (health.ready) {
      ++ready;
      continue;
    }
    waiting += (waiting.empty() ? "" : "; ") + health.composeName +
               (health.waitingFor.empty() ? "" : " (" + health.waitingFor + ")") +
               (health.message.empty() ? "" : ": " + health.message);
  }
  if (ready == pass.status.services.size()) {
    return {StackPhase::kReady, kReasonSucceeded,
            std::to_string(ready) + " of " + std::to_string(pass.status.services.size()) +
                " services are available"};
  }
  return {StackPhase::kProgressing, kReasonProgressing, "waiting for " + waiting};
}

reconcile::ReconcileResult StackReconciler::reconcile(const reconcile::ReconcileContext& context,
                                                      const reconcile::Request& request) {
  const cache::ObjectPtr stack = caches_.stacks.get(request.ns, request.name);
  if (stack == nullptr) {
    // Deleted: its children go with it (owner references); forget its translation.
    const std::lock_guard lock(mutex_);
    std::erase_if(prepared_, [&](const auto& entry) {
      return entry.second->nameSpace == request.ns && entry.second->name == request.name;
    });
    return reconcile::Result{};
  }
  const Json& metadata = stack->at("metadata");
  if (client::fieldAt(metadata, "deletionTimestamp") != nullptr) {
    return reconcile::Result{};
  }
  const std::int64_t generation = metadata.value("generation", std::int64_t{0});
  const Json* liveStatus = client::objectAt(*stack, "status");
  const std::vector<Condition> previous = parseConditions(
      liveStatus != nullptr ? liveStatus->value("conditions", Json::array()) : Json::array());

  const std::shared_ptr<const Prepared> prepared = prepare(*stack, context);
  Pass pass{
      context, request, *prepared,
      StackOwner{request.name, request.ns, client::stringAt(metadata, "uid"),
                 prepared->spec ? prepared->spec->volumeRetention : VolumeRetention::kRetain}};
  pass.status.observedGeneration = generation;
  pass.status.inputHash = prepared->inputKey;
  StackVerdict verdict;
  if (prepared->failure) {
    verdict = {prepared->retriable ? StackPhase::kRetrying : StackPhase::kStalled,
               prepared->retriable ? kReasonRetrying : prepared->failure->reason,
               prepared->failure->message};
    if (prepared->retriable) {
      pass.retryError = prepared->failure->message;
    }
  } else {
    // 3. Assess the services from the caches, and gate their start.
    assessServices(pass);
    if (!prepared->spec->suspend) {
      // 4. Apply what is not held back, then 5. prune what the stack no longer makes.
      for (const translate::Object& object : prepared->translation->objects) {
        if (!pass.gated.contains(
                {object.value("kind", ""), object["metadata"].value("name", "")})) {
          applyObject(object, pass);
        }
      }
      pruneObjects(pass);
    }
    // A workload this pass changed is judged by the server's answer (its new generation is not
    // observed yet), not by the cache's older copy: a changed stack is never Ready on the
    // strength of its previous rollout.
    reassessAppliedWorkloads(pass);
    verdict = verdictOf(pass);
    for (const translate::Object& object : prepared->translation->objects) {
      pass.status.inventory.push_back({object.value("apiVersion", ""), object.value("kind", ""),
                                       object["metadata"].value("name", "")});
    }
    for (const translate::StackDiagnostic& warning : prepared->translation->warnings) {
      pass.status.warnings.push_back({warning.code, warning.service, warning.where.path,
                                      prepared->redact(warning.where.message)});
    }
  }

  // 6. Status and events, only on change.
  pass.status.conditions = stackConditions(verdict, generation, previous, nowRfc3339());
  const Json desiredStatus = toJson(pass.status);
  const bool statusChanged = liveStatus == nullptr || !sameStatus(*liveStatus, desiredStatus);
  context.logger.debug("reconciled the stack", {{"reason", verdict.reason},
                                                {"message", verdict.message},
                                                {"statusChanged", statusChanged},
                                                {"generation", generation}});
  if (statusChanged) {
    const Json patch = {{"apiVersion", kApiVersion},
                        {"kind", kKind},
                        {"metadata", {{"name", request.name}, {"namespace", request.ns}}},
                        {"status", desiredStatus}};
    auto written = api_.apply(composeStackResource(), request.ns, patch,
                              {.fieldManager = kFieldManager, .force = true}, "status");
    if (!written) {
      if (client::isNotFound(written.error())) {
        return reconcile::Result{};  // deleted meanwhile
      }
      return Unexpected(reconcile::ReconcileError::retriable("writing the status: " +
                                                             written.error().describe()));
    }
  }
  if (auto event = transitionEvent(previous, pass.status.conditions)) {
    if (auto recorded = events_.record(*stack, {event->type, event->reason, event->note});
        !recorded) {
      context.logger.info("could not record an event", {{"error", recorded.error().describe()}});
    }
    context.logger.info("the stack changed state",
                        {{"reason", verdict.reason}, {"message", verdict.message}});
  }
  if (pass.retryError) {
    return Unexpected(reconcile::ReconcileError::retriable(prepared->redact(*pass.retryError)));
  }
  return reconcile::Result{};
}

}  // namespace cop::stack
