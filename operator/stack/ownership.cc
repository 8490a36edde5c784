#include "operator/stack/ownership.h"

#include "operator/apply/pruner.h"
#include "operator/stack/stack_caches.h"
#include "operator/translate/defaults.h"

namespace cop::stack {

namespace {

constexpr const char* kClaimKind = "PersistentVolumeClaim";
constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";

bool hasControllerReference(const nlohmann::json& object) {
  const nlohmann::json& metadata = object.at("metadata");
  const auto refs = metadata.find("ownerReferences");
  if (refs == metadata.end() || !refs->is_array()) {
    return false;
  }
  for (const nlohmann::json& ref : *refs) {
    if (ref.value("controller", false)) {
      return true;
    }
  }
  return false;
}

}  // namespace

nlohmann::json ownerReference(const StackOwner& owner) {
  return {{"apiVersion", kApiVersion}, {"kind", kKind},      {"name", owner.name},
          {"uid", owner.uid},          {"controller", true}, {"blockOwnerDeletion", true}};
}

void setOwner(nlohmann::ordered_json& object, const StackOwner& owner) {
  if (object.value("kind", "") == kClaimKind && owner.retention == VolumeRetention::kRetain) {
    return;
  }
  object["metadata"]["ownerReferences"] = nlohmann::json::array({ownerReference(owner)});
}

Ownership ownershipOf(const nlohmann::json& live, const std::string& kind,
                      const StackOwner& owner) {
  if (apply::isControlledBy(live, owner.uid)) {
    return Ownership::kOurs;
  }
  // A retained claim: ours by its labels when no controller holds it (a claim another stack
  // controls is that stack's).
  if (kind == kClaimKind && !hasControllerReference(live) &&
      labelOf(live, translate::kStackLabel) == owner.name &&
      labelOf(live, kManagedByLabel) == translate::kManagedBy) {
    return Ownership::kOurs;
  }
  return Ownership::kForeign;
}

}  // namespace cop::stack
