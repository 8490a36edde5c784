#pragma once

// The identity a controller's work queue carries: namespace/name and nothing else, as in
// controller-runtime's reconcile.Request. A reconciler re-reads the object from the cache, so a
// queued key never holds a stale copy of it.

#include <compare>
#include <cstddef>
#include <functional>
#include <string>

namespace cop::queue {

struct ObjectKey {
  std::string ns;  // empty for a cluster-scoped object
  std::string name;

  // "ns/name", or "name" when cluster-scoped (client-go cache.MetaNamespaceKeyFunc).
  std::string str() const;

  friend bool operator==(const ObjectKey&, const ObjectKey&) = default;
  friend auto operator<=>(const ObjectKey&, const ObjectKey&) = default;
};

struct ObjectKeyHash {
  std::size_t operator()(const ObjectKey& key) const;
};

}  // namespace cop::queue
