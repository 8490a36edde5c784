#pragma once

// Which stacks read which Secret or ConfigMap (their composeFrom, variablesFrom and files), so
// that a change of one reconciles exactly the stacks that read it: a lookup, not a scan of every
// stack per event (one namespace may hold a thousand stacks, each making its own Secrets).
// Kept current by the ComposeStack informer: the index is one of its event handlers.

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "operator/cache/event_handler.h"
#include "operator/reconcile/reconciler.h"
#include "operator/stack/stack_inputs.h"

namespace cop::stack {

class SourceIndex final : public cache::EventHandler {
 public:
  // The stacks of `nameSpace` whose spec names the object.
  std::vector<reconcile::Request> stacksReading(SourceKind kind, const std::string& nameSpace,
                                                const std::string& name) const;

  // cache::EventHandler, for the ComposeStack informer.
  void onAdd(const cache::ObjectPtr& object, bool initialList) override;
  void onUpdate(const cache::ObjectPtr& previous, const cache::ObjectPtr& object) override;
  void onDelete(const cache::ObjectPtr& object) override;

 private:
  using SourceKey = std::tuple<SourceKind, std::string, std::string>;  // kind, namespace, name
  void set(const nlohmann::json& stack);
  void removeLocked(const reconcile::Request& stack);

  mutable std::mutex mutex_;
  std::map<SourceKey, std::set<reconcile::Request>> readers_;
  std::map<reconcile::Request, std::vector<SourceKey>> sources_;  // for removal
};

}  // namespace cop::stack
