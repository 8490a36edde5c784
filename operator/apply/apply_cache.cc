#include "operator/apply/apply_cache.h"

#include "operator/common/sha256.h"

namespace cop::apply {

std::string ObjectRef::key() const {
  std::string key;
  key.reserve(group.size() + kind.size() + nameSpace.size() + name.size() + 3);
  key.append(group).append("/").append(kind).append("/").append(nameSpace).append("/").append(name);
  return key;
}

std::string desiredHash(const nlohmann::json& desired, std::string_view salt) {
  // Invalid UTF-8 is replaced rather than thrown on: the hash only has to be stable.
  const std::string text = desired.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // The separator keeps the salt apart from the document, so ("ab", "c") and ("a", "bc") differ.
  std::string input;
  input.reserve(salt.size() + 1 + text.size());
  input.append(salt).append("\n").append(text);
  // Only an allocation failure makes the digest fail; an empty hash never matches a stored one
  // (those are 64 hex digits), so the caller simply applies.
  return sha256Hex(input).value_or(std::string());
}

ApplyCache::ApplyCache(std::size_t capacity, std::chrono::nanoseconds ttl,
                       const queue::Clock* clock)
    : capacity_(capacity == 0 ? 1 : capacity),
      ttl_(ttl),
      clock_(clock != nullptr ? *clock : steadyClock_) {}

bool ApplyCache::unchanged(const ObjectRef& ref, std::string_view liveResourceVersion,
                           std::string_view hash) {
  if (liveResourceVersion.empty() || hash.empty()) {
    return false;
  }
  const std::string key = ref.key();
  const std::lock_guard lock(mutex_);
  const auto found = index_.find(key);
  if (found == index_.end()) {
    return false;
  }
  const Lru::iterator entry = found->second;
  if (clock_.now() - entry->stored >= ttl_) {
    lru_.erase(entry);
    index_.erase(found);
    return false;
  }
  lru_.splice(lru_.begin(), lru_, entry);
  return entry->resourceVersion == liveResourceVersion && entry->hash == hash;
}

void ApplyCache::remember(const ObjectRef& ref, std::string resourceVersion, std::string hash) {
  std::string key = ref.key();
  const queue::TimePoint now = clock_.now();
  const std::lock_guard lock(mutex_);
  if (const auto found = index_.find(key); found != index_.end()) {
    Entry& entry = *found->second;
    entry.resourceVersion = std::move(resourceVersion);
    entry.hash = std::move(hash);
    entry.stored = now;
    lru_.splice(lru_.begin(), lru_, found->second);
    return;
  }
  lru_.push_front(Entry{key, std::move(resourceVersion), std::move(hash), now});
  index_.emplace(std::move(key), lru_.begin());
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

void ApplyCache::forget(const ObjectRef& ref) {
  const std::string key = ref.key();
  const std::lock_guard lock(mutex_);
  if (const auto found = index_.find(key); found != index_.end()) {
    lru_.erase(found->second);
    index_.erase(found);
  }
}

std::size_t ApplyCache::size() const {
  const std::lock_guard lock(mutex_);
  return lru_.size();
}

}  // namespace cop::apply
