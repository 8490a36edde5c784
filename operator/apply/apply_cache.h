#pragma once

// Cluster API's server-side-apply cache (kube-runtime.md §3.3, checklist §10.11): after each
// successful apply, remember which resourceVersion the server answered for which desired
// object; the next apply of the same object is skipped when the live resourceVersion (from the
// caller's informer cache) is still that one and the desired object has not changed. A foreign
// edit bumps the live resourceVersion, so it always forces a re-apply. The point is 0 writes,
// 0 requests and 0 watch events on a resync where nothing changed.

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

#include "operator/queue/clock.h"

namespace cop::apply {

// How long a remembered apply stays valid: kube-runtime.md §3.3 ("TTL 30 min",
// kubernetes-sigs/cluster-api internal/util/ssa/cache.go). Bounded so that a server-side change
// that does not bump the resourceVersion we compare (none is known, but defaulting rules change
// with upgrades) is repaired within the TTL anyway.
inline constexpr std::chrono::minutes kApplyCacheTtl{30};

// At most this many remembered objects; the least recently used is evicted first. A cache miss
// costs one idempotent apply, so the bound only trades memory (about 200 bytes an entry) for
// requests: 100,000 covers 1,000 stacks of ~100 children (kube-runtime.md §8 scale).
inline constexpr std::size_t kApplyCacheCapacity = 100'000;

// Which object an entry is about: group and kind (not version: the same object served at two
// versions is one object), namespace ("" when cluster-scoped) and name.
struct ObjectRef {
  std::string group;
  std::string kind;
  std::string nameSpace;
  std::string name;

  // "group/kind/namespace/name": unambiguous, since none of the parts may hold a '/'.
  std::string key() const;
  friend auto operator<=>(const ObjectRef&, const ObjectRef&) = default;
};

// Lower-case hex SHA-256 of `desired` dumped canonically (nlohmann::json keeps object keys
// sorted, so equal documents dump equal) with `salt` in front (the field manager: the same
// object applied by another manager is another apply).
std::string desiredHash(const nlohmann::json& desired, std::string_view salt = {});

class ApplyCache {
 public:
  // `clock` (null: the steady clock) must outlive the cache.
  explicit ApplyCache(std::size_t capacity = kApplyCacheCapacity,
                      std::chrono::nanoseconds ttl = kApplyCacheTtl,
                      const queue::Clock* clock = nullptr);

  // Whether an apply of `ref` with `hash` may be skipped: it was applied with this hash, the
  // server answered `liveResourceVersion`, and that was less than the TTL ago. An empty
  // liveResourceVersion (not in the caller's cache: maybe deleted) never skips. An expired
  // entry is dropped.
  bool unchanged(const ObjectRef& ref, std::string_view liveResourceVersion, std::string_view hash);
  // After a successful apply: the server answered `resourceVersion` for the object of `hash`.
  void remember(const ObjectRef& ref, std::string resourceVersion, std::string hash);
  // After a failed apply (the object's state is unknown) or a delete.
  void forget(const ObjectRef& ref);

  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    std::string key;
    std::string resourceVersion;
    std::string hash;
    queue::TimePoint stored;
  };
  using Lru = std::list<Entry>;  // most recently used first

  const std::size_t capacity_;
  const std::chrono::nanoseconds ttl_;
  queue::SteadyClock steadyClock_;
  const queue::Clock& clock_;
  mutable std::mutex mutex_;
  Lru lru_;
  std::unordered_map<std::string, Lru::iterator> index_;
};

}  // namespace cop::apply
