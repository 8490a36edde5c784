#include "operator/reconcile/enqueue_handlers.h"

#include "operator/client/json_fields.h"

namespace cop::reconcile {
namespace {

using client::fieldAt;
using client::objectAt;
using client::stringAt;

std::string groupOf(const std::string& apiVersion) {
  const std::size_t slash = apiVersion.find('/');
  return slash == std::string::npos ? std::string() : apiVersion.substr(0, slash);
}

}  // namespace

void EnqueueObject::add(const cache::ObjectPtr& object) {
  if (object == nullptr) {
    return;
  }
  const nlohmann::json* metadata = objectAt(*object, "metadata");
  if (metadata == nullptr || stringAt(*metadata, "name").empty()) {
    return;
  }
  enqueue_(Request{stringAt(*metadata, "namespace"), stringAt(*metadata, "name")});
}

void EnqueueObject::onAdd(const cache::ObjectPtr& object, bool) {
  add(object);
}
void EnqueueObject::onUpdate(const cache::ObjectPtr&, const cache::ObjectPtr& object) {
  add(object);
}
void EnqueueObject::onDelete(const cache::ObjectPtr& object) {
  add(object);
}

std::vector<Request> ownerRequests(const nlohmann::json& object, const OwnerKind& owner,
                                   bool controllerOnly) {
  std::vector<Request> requests;
  const nlohmann::json* metadata = objectAt(object, "metadata");
  const nlohmann::json* refs =
      metadata != nullptr ? fieldAt(*metadata, "ownerReferences") : nullptr;
  if (refs == nullptr || !refs->is_array()) {
    return requests;
  }
  const std::string childNamespace = stringAt(*metadata, "namespace");
  for (const nlohmann::json& ref : *refs) {
    const nlohmann::json* controller = fieldAt(ref, "controller");
    const bool isController =
        controller != nullptr && controller->is_boolean() && controller->get<bool>();
    if (controllerOnly && !isController) {
      continue;
    }
    // Group and kind decide, not the version (§2.5): an owner read as v1beta1 is the same one.
    if (stringAt(ref, "kind") != owner.kind ||
        groupOf(stringAt(ref, "apiVersion")) != owner.group) {
      continue;
    }
    const std::string name = stringAt(ref, "name");
    if (!name.empty()) {
      requests.push_back(Request{owner.namespaced ? childNamespace : std::string(), name});
    }
  }
  return requests;
}

void EnqueueOwner::add(const cache::ObjectPtr& object) {
  if (object == nullptr) {
    return;
  }
  for (const Request& request : ownerRequests(*object, owner_, controllerOnly_)) {
    enqueue_(request);
  }
}

void EnqueueOwner::onAdd(const cache::ObjectPtr& object, bool) {
  add(object);
}
void EnqueueOwner::onUpdate(const cache::ObjectPtr& previous, const cache::ObjectPtr& object) {
  add(previous);  // the old owner learns it lost a child (re-parenting, §10.10)
  if (previous != object) {
    add(object);
  }
}
void EnqueueOwner::onDelete(const cache::ObjectPtr& object) {
  add(object);
}

void EnqueueMapped::add(const cache::ObjectPtr& object) {
  if (object == nullptr) {
    return;
  }
  for (const Request& request : map_(*object)) {
    enqueue_(request);
  }
}

void EnqueueMapped::onAdd(const cache::ObjectPtr& object, bool) {
  add(object);
}
void EnqueueMapped::onUpdate(const cache::ObjectPtr& previous, const cache::ObjectPtr& object) {
  add(previous);
  if (previous != object) {
    add(object);
  }
}
void EnqueueMapped::onDelete(const cache::ObjectPtr& object) {
  add(object);
}

}  // namespace cop::reconcile
