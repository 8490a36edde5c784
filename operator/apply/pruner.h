#pragma once

// Pruning (kube-runtime.md §3.4, checklist §10.13): server-side apply never deletes, so the
// children a stack no longer wants are found by our label, and deleted only when they are not
// desired AND their controller ownerReference (§3.5: at most one has controller: true) names
// our owner's UID. Anything else carrying the label (another tool's object, another owner's
// child, one we own without being its controller) is left alone and reported.

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "operator/apply/apply_cache.h"
#include "operator/client/api_client.h"

namespace cop::apply {

struct PruneRequest {
  // The kinds to look through (each listed once, by labelSelector).
  std::vector<client::ApiResource> kinds;
  // "" lists every namespace (for a cluster-scoped kind it is ignored).
  std::string nameSpace;
  // Marks our objects, e.g. "app.kubernetes.io/managed-by=compose-operator,
  // app.kubernetes.io/instance=web" (§3.4). Required: an empty selector would list everything.
  std::string labelSelector;
  // metadata.uid of the owner whose controlled children may be deleted. Required.
  std::string ownerUid;
  // What the owner wants now (ObjectRef: group, kind, namespace, name).
  std::set<ObjectRef> desired;
  // Propagation for the deletes; the object's UID is always the precondition, so an object
  // recreated (by anyone) between the list and the delete is never removed.
  client::DeleteOptions deleteOptions;
  // Optional: forgotten from this cache when deleted, so a later re-create is applied.
  ApplyCache* cache = nullptr;
};

enum class KeepReason {
  Desired,        // in the desired set
  NotControlled,  // no controller ownerReference to ownerUid (another tool's, another owner's)
  Changed,        // the delete's UID precondition failed: it was replaced after the list
};

std::string_view keepReasonName(KeepReason reason);

struct KeptObject {
  ObjectRef ref;
  KeepReason reason = KeepReason::Desired;
};

struct PruneResult {
  // Deleted now, or already gone (NotFound on delete: someone else finished the job).
  std::vector<ObjectRef> deleted;
  std::vector<KeptObject> kept;
};

// Whether `object` has an ownerReference with controller: true and uid `ownerUid`.
bool isControlledBy(const nlohmann::json& object, const std::string& ownerUid);

// Lists every kind with listAll (a fresh, consistent read: an informer could lag and miss an
// object created just before) and deletes what §3.4 allows. The first error other than a
// delete's NotFound or precondition conflict ends the pass: the caller requeues, and deleting
// again is harmless. Fails with BadRequest, sending nothing, when labelSelector or ownerUid is
// empty.
Expected<PruneResult, client::ApiError> prune(client::ApiClient& api, const PruneRequest& request);

}  // namespace cop::apply
