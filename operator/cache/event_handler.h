#pragma once

// What an informer tells the controllers that watch it (client-go ResourceEventHandler,
// kube-runtime.md §2.1). Objects are the cached, immutable copies (managedFields stripped).
// Handlers run on the informer's thread, in watch order, and must not block: a controller's
// handler only maps the object to keys and adds them to its work queue.

#include "operator/cache/object_store.h"

namespace cop::cache {

class EventHandler {
 public:
  virtual ~EventHandler() = default;
  // `initialList`: the object came with the first list (or watch-list) of the informer, so a
  // controller may treat it as low priority (controller-runtime's priority queue, §2.3).
  virtual void onAdd(const ObjectPtr& object, bool initialList) = 0;
  // A relist or a resync replays unchanged objects as updates with old == new (§2.1, §2.6):
  // handlers must be idempotent.
  virtual void onUpdate(const ObjectPtr& previous, const ObjectPtr& object) = 0;
  // The last state the informer knew. After a relist that no longer lists an object, that state
  // may be older than the deletion (client-go's DeletedFinalStateUnknown).
  virtual void onDelete(const ObjectPtr& object) = 0;
};

}  // namespace cop::cache
