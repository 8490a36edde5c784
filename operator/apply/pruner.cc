#include "operator/apply/pruner.h"

#include "operator/client/rest_client.h"

namespace cop::apply {
namespace {

const nlohmann::json* metadataOf(const nlohmann::json& object) {
  const auto metadata = object.find("metadata");
  return metadata != object.end() && metadata->is_object() ? &*metadata : nullptr;
}

std::string stringField(const nlohmann::json* object, const char* field) {
  if (object == nullptr) {
    return {};
  }
  const auto value = object->find(field);
  return value != object->end() && value->is_string() ? value->get<std::string>() : std::string{};
}

client::ApiError badRequest(std::string message) {
  client::ApiError error;
  error.kind = client::ApiErrorKind::BadRequest;
  error.message = std::move(message);
  return error;
}

}  // namespace

std::string_view keepReasonName(KeepReason reason) {
  switch (reason) {
    case KeepReason::Desired:
      return "Desired";
    case KeepReason::NotControlled:
      return "NotControlled";
    case KeepReason::Changed:
      return "Changed";
  }
  return "Unknown";
}

bool isControlledBy(const nlohmann::json& object, const std::string& ownerUid) {
  const nlohmann::json* metadata = metadataOf(object);
  if (metadata == nullptr || ownerUid.empty()) {
    return false;
  }
  const auto refs = metadata->find("ownerReferences");
  if (refs == metadata->end() || !refs->is_array()) {
    return false;
  }
  for (const nlohmann::json& ref : *refs) {
    if (!ref.is_object()) {
      continue;
    }
    const auto controller = ref.find("controller");
    // Only a boolean true: a non-controller reference (or a malformed one) may be another
    // controller's child that merely lists us, and §3.4 deletes only what we control.
    if (controller != ref.end() && controller->is_boolean() && controller->get<bool>() &&
        stringField(&ref, "uid") == ownerUid) {
      return true;
    }
  }
  return false;
}

Expected<PruneResult, client::ApiError> prune(client::ApiClient& api, const PruneRequest& request) {
  if (request.labelSelector.empty()) {
    return Unexpected(badRequest("prune needs a label selector: an empty one selects everything"));
  }
  if (request.ownerUid.empty()) {
    return Unexpected(badRequest("prune needs the owner's uid"));
  }
  PruneResult result;
  for (const client::ApiResource& kind : request.kinds) {
    client::ListOptions options;
    options.labelSelector = request.labelSelector;
    auto page = client::listAll(api, kind, kind.namespaced ? request.nameSpace : "", options);
    if (!page) {
      return Unexpected(std::move(page).error());
    }
    for (const nlohmann::json& item : page->items) {
      const nlohmann::json* metadata = metadataOf(item);
      ObjectRef ref{kind.group, kind.kind,
                    kind.namespaced ? stringField(metadata, "namespace") : "",
                    stringField(metadata, "name")};
      if (request.desired.contains(ref)) {
        result.kept.push_back({std::move(ref), KeepReason::Desired});
        continue;
      }
      if (!isControlledBy(item, request.ownerUid)) {
        result.kept.push_back({std::move(ref), KeepReason::NotControlled});
        continue;
      }
      client::DeleteOptions deleteOptions = request.deleteOptions;
      deleteOptions.preconditionUid = stringField(metadata, "uid");
      auto removed = api.remove(kind, ref.nameSpace, ref.name, deleteOptions);
      if (!removed && client::isConflict(removed.error())) {
        // The UID precondition failed: this name now holds another object, which we have not
        // looked at, so it is not ours to delete in this pass.
        result.kept.push_back({std::move(ref), KeepReason::Changed});
        continue;
      }
      if (!removed && !client::isNotFound(removed.error())) {
        return Unexpected(std::move(removed).error());
      }
      if (request.cache != nullptr) {
        request.cache->forget(ref);
      }
      result.deleted.push_back(std::move(ref));
    }
  }
  return result;
}

}  // namespace cop::apply
