#pragma once

// The ComposeStack reconciler: one pass makes the cluster equal to the hardened translation of
// one stack and writes what it found into the stack's status. Level-based and idempotent:
//   1. read the stack from the cache (gone or being deleted: nothing to do; the garbage
//      collector removes the children through their owner references);
//   2. translate, only when the inputs changed (the spec and the resourceVersions of the
//      Secrets and ConfigMaps it reads): the last translation is kept per stack;
//   3. assess every service from the cached workloads and pods, and gate the start of the
//      services whose depends_on conditions are unmet;
//   4. apply the desired objects with server-side apply, skipping those the server already holds
//      (ApplyCache), refusing to take over an object someone else owns;
//   5. prune the children the stack no longer makes;
//   6. write the status, only when it changed, and an Event only when the state changed.
// No secret value reaches a log line, an event or the status: every message is redacted with
// the values that came from Secrets.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "operator/apply/applier.h"
#include "operator/reconcile/reconciler.h"
#include "operator/stack/event_recorder.h"
#include "operator/stack/service_health.h"
#include "operator/stack/stack_caches.h"
#include "operator/stack/stack_conditions.h"
#include "operator/stack/stack_inputs.h"
#include "operator/translate/translation.h"

namespace cop::stack {

// The field manager of every apply (objects and status): one stable name (§3.1).
inline constexpr const char* kFieldManager = "compose-operator";

class StackReconciler final : public reconcile::Reconciler {
 public:
  // Everything must outlive the reconciler.
  StackReconciler(client::ApiClient& api, const StackCaches& caches, SourceObjects& sources,
                  apply::ApplyCache& applyCache, EventRecorder& events);
  ~StackReconciler() override;

  reconcile::ReconcileResult reconcile(const reconcile::ReconcileContext& context,
                                       const reconcile::Request& request) override;

  struct Prepared;  // a stack's translation, or why there is none

 private:
  struct Pass;  // what one pass finds (stack_reconciler.cc)

  std::shared_ptr<const Prepared> prepare(const nlohmann::json& stack,
                                          const reconcile::ReconcileContext& context);
  // The steps of one pass, in order.
  void assessServices(Pass& pass) const;
  void applyObject(const translate::Object& object, Pass& pass);
  void pruneObjects(Pass& pass);
  void reassessAppliedWorkloads(Pass& pass) const;
  static StackVerdict verdictOf(const Pass& pass);

  // One service's health, its message redacted of the stack's Secret values.
  static ServiceHealth assess(const translate::ServiceManifest& manifest,
                              const nlohmann::json* workload,
                              const std::vector<cache::ObjectPtr>& pods, const Prepared& prepared);
  // Deletes exactly this incarnation of the object (its UID the precondition); an object
  // already gone or replaced meanwhile is not an error.
  Expected<void, client::ApiError> removeIncarnation(const client::ApiResource& resource,
                                                     const std::string& nameSpace,
                                                     const nlohmann::json& live);

  client::ApiClient& api_;
  const StackCaches& caches_;
  SourceObjects& sources_;
  apply::Applier applier_;
  EventRecorder& events_;
  std::map<std::string, client::ApiResource> resources_;  // the managed kinds, by kind
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const Prepared>> prepared_;  // by stack UID; mutex_
};

}  // namespace cop::stack
