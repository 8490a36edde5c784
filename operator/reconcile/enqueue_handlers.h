#pragma once

// Event handlers that turn informer events into work-queue keys (kube-runtime.md §2.5):
// - EnqueueObject: the object's own namespace/name (controller-runtime
// handler.EnqueueRequestForObject);
// - EnqueueOwner: the owner named by the object's ownerReferences whose group and kind match
//   (version ignored), only the `controller: true` one by default, for the old and the new
//   object of an update, so re-parenting reconciles both owners
//   (controller-runtime handler.EnqueueRequestForOwner with OnlyControllerOwner()).

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "operator/cache/event_handler.h"
#include "operator/reconcile/reconciler.h"

namespace cop::reconcile {

using Enqueue = std::function<void(const Request&)>;

class EnqueueObject final : public cache::EventHandler {
 public:
  explicit EnqueueObject(Enqueue enqueue) : enqueue_(std::move(enqueue)) {}

  void onAdd(const cache::ObjectPtr& object, bool initialList) override;
  void onUpdate(const cache::ObjectPtr& previous, const cache::ObjectPtr& object) override;
  void onDelete(const cache::ObjectPtr& object) override;

 private:
  void add(const cache::ObjectPtr& object);
  Enqueue enqueue_;
};

struct OwnerKind {
  std::string group;  // "" for the core group
  std::string kind;
  // A cluster-scoped owner is enqueued without the child's namespace (§2.5).
  bool namespaced = true;
};

// The requests for `object`'s owners of that kind; with `controllerOnly`, only the reference
// marked `controller: true`.
std::vector<Request> ownerRequests(const nlohmann::json& object, const OwnerKind& owner,
                                   bool controllerOnly);

class EnqueueOwner final : public cache::EventHandler {
 public:
  EnqueueOwner(OwnerKind owner, bool controllerOnly, Enqueue enqueue)
      : owner_(std::move(owner)), controllerOnly_(controllerOnly), enqueue_(std::move(enqueue)) {}

  void onAdd(const cache::ObjectPtr& object, bool initialList) override;
  void onUpdate(const cache::ObjectPtr& previous, const cache::ObjectPtr& object) override;
  void onDelete(const cache::ObjectPtr& object) override;

 private:
  void add(const cache::ObjectPtr& object);
  OwnerKind owner_;
  bool controllerOnly_;
  Enqueue enqueue_;
};

// Requests computed from the object by a function (controller-runtime
// handler.EnqueueRequestsFromMapFunc): for objects related by something other than an owner
// reference, such as a label naming the owner or an owner's spec naming the object. An update
// maps the old and the new object, so a relation that ends also reconciles its old side.
using MapFunc = std::function<std::vector<Request>(const nlohmann::json& object)>;

class EnqueueMapped final : public cache::EventHandler {
 public:
  EnqueueMapped(MapFunc map, Enqueue enqueue)
      : map_(std::move(map)), enqueue_(std::move(enqueue)) {}
  void onAdd(const cache::ObjectPtr& object, bool initialList) override;
  void onUpdate(const cache::ObjectPtr& previous, const cache::ObjectPtr& object) override;
  void onDelete(const cache::ObjectPtr& object) override;

 private:
  void add(const cache::ObjectPtr& object);
  MapFunc map_;
  Enqueue enqueue_;
};

}  // namespace cop::reconcile
