#pragma once

// The caches the stack controller reads (client -> cache): ComposeStacks, every kind a stack
// makes, the pods of its services, and the Secrets and ConfigMaps a spec may name. One informer
// per kind and watched namespace (or one for the whole cluster). What each holds is the least
// that is enough (kube-runtime.md §8):
//   * workloads and pods in full: their status is the stack's status;
//   * every other kind as metadata only: the live resourceVersion and the owner are all that
//     applying and pruning need;
//   * Secrets and ConfigMaps unfiltered (a spec names the user's own), metadata only: their
//     content is read on demand, when a stack's inputs changed, never cached.
// Our children are filtered by the managed-by label, so the caches hold only our objects.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "operator/cache/informer.h"
#include "operator/client/discovery.h"

namespace cop::stack {

// Every kind the translator makes, in the order it makes them.
std::vector<client::ApiResource> managedResources();
const client::ApiResource& composeStackResource();
const client::ApiResource& podResource();

// Whether the stack controller needs the kind's full objects (status), not metadata only.
bool needsFullObjects(const std::string& kind);

// The value of the object's label `key`; "" when it has none.
std::string labelOf(const nlohmann::json& object, std::string_view key);

// One kind over the watched namespaces.
class KindCache {
 public:
  void add(cache::Informer& informer, std::string nameSpace);  // "" = every namespace
  cache::ObjectPtr get(const std::string& nameSpace, const std::string& name) const;
  // The namespace's objects carrying label key=value.
  std::vector<cache::ObjectPtr> byLabel(const std::string& nameSpace, const std::string& key,
                                        const std::string& value) const;
  std::vector<cache::ObjectPtr> list() const;
  void addEventHandler(const std::shared_ptr<cache::EventHandler>& handler);

 private:
  const cache::Informer* informerFor(const std::string& nameSpace) const;

  std::vector<std::pair<std::string, cache::Informer*>> informers_;
};

struct StackCaches {
  KindCache stacks;
  KindCache pods;
  std::map<std::string, KindCache> byKind;  // managed kinds, by kind

  const KindCache* kind(const std::string& kind) const;
};

}  // namespace cop::stack
