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

std::string groupOf(const std::string& apiVersion) {
  const std::size_t slash = apiVersion.find('/');
  return slash == std::string::npos ? std::string() : apiVersion.substr(0, slash);
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

  // The inputs' identity: the spec, and the resourceVersion of every Secret and ConfigMap it
  // reads (from the metadata caches: no read of their content unless one changed).
  Json key = {{"uid", uid}, {"spec", spec}, {"sources", Json::array()}};
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
          prepared->desired.insert({groupOf(object.value("apiVersion", "")),
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
  const std::string uid = client::stringAt(metadata, "uid");
  const std::int64_t generation = metadata.value("generation", std::int64_t{0});
  const Json* liveStatus = client::objectAt(*stack, "status");
  const std::vector<Condition> previous = parseConditions(
      liveStatus != nullptr ? liveStatus->value("conditions", Json::array()) : Json::array());

  const std::shared_ptr<const Prepared> prepared = prepare(*stack, context);
  StackStatus status;
  status.observedGeneration = generation;
  status.inputHash = prepared->inputKey;
  StackVerdict verdict{StackPhase::kProgressing, kReasonProgressing, ""};
  std::optional<std::string> retryError;

  if (prepared->failure) {
    verdict = {prepared->retriable ? StackPhase::kRetrying : StackPhase::kStalled,
               prepared->retriable ? kReasonRetrying : prepared->failure->reason,
               prepared->failure->message};
    if (prepared->retriable) {
      retryError = prepared->failure->message;
    }
  } else {
    const translate::Translation& translation = *prepared->translation;
    const StackOwner owner{request.name, request.ns, uid, prepared->spec->volumeRetention};

    // 3. Assess the services from the caches, and gate their start.
    std::vector<ServiceNode> nodes;
    std::map<std::string, ServiceProgress> progress;
    std::vector<Problem> problems;
    // Per service, for the re-assessment below; holding the pointers keeps the pods alive while
    // the informer replaces them in its store.
    std::vector<std::vector<cache::ObjectPtr>> podsOf;
    for (const translate::ServiceManifest& manifest : translation.services) {
      const KindCache* workloads = caches_.kind(manifest.workloadKind);
      const cache::ObjectPtr workload =
          workloads != nullptr ? workloads->get(request.ns, manifest.name) : nullptr;
      std::vector<cache::ObjectPtr> podObjects =
          caches_.pods.byLabel(request.ns, std::string(translate::kServiceLabel), manifest.name);
      std::erase_if(podObjects, [&](const cache::ObjectPtr& pod) {
        const Json* labels = client::objectAt(pod->at("metadata"), "labels");
        return labels == nullptr ||
               client::stringAt(*labels, std::string(translate::kStackLabel).c_str()) !=
                   request.name;
      });
      std::vector<const Json*> pods;
      for (const cache::ObjectPtr& pod : podObjects) {
        pods.push_back(pod.get());
      }
      ServiceHealth health = assessService(manifest.name, manifest.composeName,
                                           manifest.workloadKind, workload.get(), pods);
      health.message = prepared->redact(health.message);
      podsOf.push_back(std::move(podObjects));
      if (health.failed) {
        problems.push_back(
            {kReasonJobFailed, "service " + manifest.composeName + ": " + health.message});
      }
      if (const std::string refusal = podSecurityRefusal(workload.get()); !refusal.empty()) {
        problems.push_back({kReasonPodSecurity,
                            "service " + manifest.composeName + ": " + prepared->redact(refusal)});
      }
      progress[manifest.name] = {workload != nullptr, health.ready,
                                 manifest.workloadKind == "Job" && health.ready};
      ServiceNode node{manifest.name, {}};
      for (const translate::ServiceDependency& dependency : manifest.dependsOn) {
        node.dependsOn.push_back(
            {dependency.name, startCondition(dependency.condition), dependency.required});
      }
      nodes.push_back(std::move(node));
      status.services.push_back(std::move(health));
    }
    const std::vector<StartDecision> decisions = planStartup(nodes, progress);
    std::set<std::pair<std::string, std::string>> gated;  // (kind, name) of held workloads
    for (std::size_t i = 0; i < decisions.size(); ++i) {
      if (!decisions[i].mayApply) {
        gated.emplace(translation.services[i].workloadKind, translation.services[i].name);
        status.services[i].waitingFor = decisions[i].waitingFor;
      }
    }

    // A workload this pass changes is judged by the server's answer (its new generation is
    // not observed yet), not by the cache's older copy: a changed stack is never Ready on the
    // strength of its previous rollout.
    std::map<std::pair<std::string, std::string>, Json> appliedWorkloads;
    if (!prepared->spec->suspend) {
      // 4. Apply.
      for (const translate::Object& object : translation.objects) {
        const std::string kind = object.value("kind", "");
        const std::string name = object["metadata"].value("name", "");
        if (gated.contains({kind, name})) {
          continue;
        }
        const KindCache* cache = caches_.kind(kind);
        const auto known = resources_.find(kind);
        const client::ApiResource* resource = known != resources_.end() ? &known->second : nullptr;
        if (cache == nullptr || resource == nullptr) {
          problems.push_back({kReasonApplyRejected, "the translation made a " + kind +
                                                        ", which the operator does not manage"});
          continue;
        }
        std::string liveVersion;
        cache::ObjectPtr live = cache->get(request.ns, name);
        if (live == nullptr) {
          // Not among our labelled objects: someone else's may hold the name.
          auto existing = api_.get(*resource, request.ns, name, {.metadataOnly = true});
          if (existing) {
            live = std::make_shared<const Json>(std::move(existing->object));
          } else if (!client::isNotFound(existing.error())) {
            retryError = existing.error().describe();
            continue;
          }
        } else {
          liveVersion = client::stringAt(live->at("metadata"), "resourceVersion");
        }
        if (live != nullptr && ownershipOf(*live, kind, owner) == Ownership::kForeign) {
          problems.push_back(
              {kReasonNameConflict,
               "the " + kind + " '" + name + "' already exists in the namespace '" + request.ns +
                   "' and is not managed by this stack; the operator does not take it over: "
                   "delete or rename it, or rename the service"});
          continue;
        }
        auto applied = applier_.apply(*resource, request.ns, object, liveVersion,
                                      {.fieldManager = kFieldManager, .force = true});
        if (!applied) {
          const client::ApiError& error = applied.error();
          if (kind == kJobKind && client::isInvalid(error) &&
              error.message.find(kImmutableMarker) != std::string::npos && live != nullptr) {
            // A Job's pod template cannot change: a Job whose image or config changed is
            // replaced (docker compose recreates the container too). Deleted now, created by
            // the next pass once the deletion is seen.
            client::DeleteOptions options;
            options.propagation = client::PropagationPolicy::Background;
            options.preconditionUid = client::stringAt(live->at("metadata"), "uid");
            auto removed = api_.remove(*resource, request.ns, name, options);
            if (!removed && !client::isNotFound(removed.error())) {
              retryError = "replacing Job " + name + ": " + removed.error().describe();
            } else {
              context.logger.info("replacing a Job whose pod template changed", {{"object", name}});
              retryError = "Job " + name + " is being replaced";
            }
            continue;
          }
          if (!isRejection(error)) {
            retryError = kind + " " + name + ": " + error.describe();
            continue;
          }
          problems.push_back(
              {mentionsPodSecurity(error.message) ? kReasonPodSecurity : kReasonApplyRejected,
               "the API server rejected the " + kind + " '" + name +
                   "': " + prepared->redact(error.message)});
          continue;
        }
        if (applied->action == apply::ApplyAction::Applied && applied->object &&
            needsFullObjects(kind)) {
          appliedWorkloads.emplace(std::make_pair(kind, name), *applied->object);
        }
        for (const std::string& warning : applied->warnings) {
          if (mentionsPodSecurity(warning)) {
            problems.push_back({kReasonPodSecurity,
                                "the " + kind + " '" + name + "': " + prepared->redact(warning)});
          }
        }
      }

      // 5. Prune what the stack no longer makes: our labelled children, controlled by this
      // stack, not desired. Retained claims are never controlled, so never deleted.
      for (const auto& [managedKind, resource] : resources_) {
        const KindCache* cache = caches_.kind(resource.kind);
        if (cache == nullptr) {
          continue;
        }
        for (const cache::ObjectPtr& child :
             cache->byLabel(request.ns, std::string(translate::kStackLabel), request.name)) {
          const Json& childMeta = child->at("metadata");
          const std::string childName = client::stringAt(childMeta, "name");
          if (prepared->desired.contains({resource.group, resource.kind, request.ns, childName}) ||
              !apply::isControlledBy(*child, uid)) {
            continue;
          }
          client::DeleteOptions options;
          options.propagation = client::PropagationPolicy::Background;
          options.preconditionUid = client::stringAt(childMeta, "uid");
          auto removed = api_.remove(resource, request.ns, childName, options);
          if (!removed && !client::isNotFound(removed.error()) &&
              !client::isConflict(removed.error())) {
            retryError =
                "deleting " + resource.kind + " " + childName + ": " + removed.error().describe();
            continue;
          }
          context.logger.info("pruned an object the stack no longer makes",
                              {{"kind", resource.kind}, {"object", childName}});
        }
      }
    }

    for (std::size_t i = 0; i < translation.services.size(); ++i) {
      const translate::ServiceManifest& manifest = translation.services[i];
      const auto applied = appliedWorkloads.find({manifest.workloadKind, manifest.name});
      if (applied == appliedWorkloads.end()) {
        continue;
      }
      const std::string waitingFor = status.services[i].waitingFor;
      std::vector<const Json*> pods;
      for (const cache::ObjectPtr& pod : podsOf[i]) {
        pods.push_back(pod.get());
      }
      status.services[i] = assessService(manifest.name, manifest.composeName, manifest.workloadKind,
                                         &applied->second, pods);
      status.services[i].message = prepared->redact(status.services[i].message);
      if (!waitingFor.empty()) {
        status.services[i].waitingFor = waitingFor;
      }
    }

    // The verdict.
    std::size_t ready = 0;
    std::string waiting;
    for (const ServiceHealth& health : status.services) {
      if (health.ready) {
        ++ready;
        continue;
      }
      waiting += (waiting.empty() ? "" : "; ") + health.composeName +
                 (health.waitingFor.empty() ? "" : " (" + health.waitingFor + ")") +
                 (health.message.empty() ? "" : ": " + health.message);
    }
    if (!problems.empty()) {
      std::string message;
      for (const Problem& problem : problems) {
        message += (message.empty() ? "" : "; ") + problem.message;
      }
      verdict = {StackPhase::kStalled, problems.front().reason, message};
    } else if (prepared->spec->suspend) {
      verdict = {StackPhase::kSuspended, kReasonSuspended,
                 "spec.suspend is true: the operator changes nothing until it is false"};
    } else if (retryError) {
      verdict = {StackPhase::kRetrying, kReasonRetrying, prepared->redact(*retryError)};
    } else if (ready == status.services.size()) {
      verdict = {StackPhase::kReady, kReasonSucceeded,
                 std::to_string(ready) + " of " + std::to_string(status.services.size()) +
                     " services are available"};
    } else {
      verdict = {StackPhase::kProgressing, kReasonProgressing, "waiting for " + waiting};
    }
    for (const translate::Object& object : translation.objects) {
      status.inventory.push_back({object.value("apiVersion", ""), object.value("kind", ""),
                                  object["metadata"].value("name", "")});
    }
    for (const translate::StackDiagnostic& warning : translation.warnings) {
      status.warnings.push_back({warning.code, warning.service, warning.where.path,
                                 prepared->redact(warning.where.message)});
    }
  }

  // 6. Status and events, only on change.
  status.conditions = stackConditions(verdict, generation, previous, nowRfc3339());
  const Json desiredStatus = toJson(status);
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
  if (auto event = transitionEvent(previous, status.conditions)) {
    if (auto recorded = events_.record(*stack, {event->type, event->reason, event->note});
        !recorded) {
      context.logger.info("could not record an event", {{"error", recorded.error().describe()}});
    }
    context.logger.info("the stack changed state",
                        {{"reason", verdict.reason}, {"message", verdict.message}});
  }
  if (retryError) {
    return Unexpected(reconcile::ReconcileError::retriable(prepared->redact(*retryError)));
  }
  return reconcile::Result{};
}

}  // namespace cop::stack
