#include "operator/apply/applier.h"

namespace cop::apply {
namespace {

std::string nameOf(const nlohmann::json& object) {
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) {
    return {};
  }
  const auto name = metadata->find("name");
  return name != metadata->end() && name->is_string() ? name->get<std::string>() : std::string{};
}

std::string resourceVersionOf(const nlohmann::json& object) {
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) {
    return {};
  }
  const auto rv = metadata->find("resourceVersion");
  return rv != metadata->end() && rv->is_string() ? rv->get<std::string>() : std::string{};
}

}  // namespace

Expected<ApplyOutcome, client::ApiError> Applier::apply(const client::ApiResource& resource,
                                                        const std::string& nameSpace,
                                                        const nlohmann::json& desired,
                                                        const std::string& liveResourceVersion,
                                                        const client::ApplyOptions& options) {
  // A cluster-scoped object has no namespace, whatever the caller passed (the client ignores
  // it too), so both spellings find the same entry.
  const ObjectRef ref{resource.group, resource.kind, resource.namespaced ? nameSpace : "",
                      nameOf(desired)};
  // The field manager is part of what was applied: the same object under another manager is
  // a different apply (it owns different fields), so it must not hit this entry.
  const std::string hash =
      options.dryRun ? std::string{} : desiredHash(desired, options.fieldManager);
  if (!options.dryRun && cache_.unchanged(ref, liveResourceVersion, hash)) {
    ++skipped_;
    ApplyOutcome outcome;
    outcome.action = ApplyAction::Skipped;
    outcome.resourceVersion = liveResourceVersion;
    return outcome;
  }

  auto answer = api_.apply(resource, nameSpace, desired, options);
  if (!answer) {
    cache_.forget(ref);
    return Unexpected(std::move(answer).error());
  }
  ++applied_;
  ApplyOutcome outcome;
  outcome.action = ApplyAction::Applied;
  outcome.resourceVersion = resourceVersionOf(answer->object);
  if (!options.dryRun) {
    if (outcome.resourceVersion.empty()) {
      cache_.forget(ref);  // nothing to compare a live version with next time
    } else {
      cache_.remember(ref, outcome.resourceVersion, hash);
    }
  }
  outcome.object = std::move(answer->object);
  outcome.warnings = std::move(answer->warnings);
  return outcome;
}

}  // namespace cop::apply
