#pragma once

// Server-side apply that makes no request when nothing changed (kube-runtime.md §3.1, §3.3;
// checklist §10.11): the ApiClient's apply behind the ApplyCache. Counts what it applied and
// what it skipped, for metrics and tests.

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "operator/apply/apply_cache.h"
#include "operator/client/api_client.h"

namespace cop::apply {

enum class ApplyAction { Applied, Skipped };

struct ApplyOutcome {
  ApplyAction action = ApplyAction::Applied;
  // The object's resourceVersion on the server now: the one the apply answered, or the live
  // one the caller passed when skipped.
  std::string resourceVersion;
  // The server's answer and its warnings; unset when skipped (no request was made).
  std::optional<nlohmann::json> object;
  std::vector<std::string> warnings;
};

class Applier {
 public:
  // Both must outlive the applier; the cache may be shared by several appliers (one per
  // controller) as long as they use distinct field managers or the same desired objects.
  Applier(client::ApiClient& api, ApplyCache& cache) : api_(api), cache_(cache) {}

  // Applies `desired` (apiVersion, kind, metadata.name; kube-runtime.md §3.1) unless the cache
  // says the server already holds exactly this at `liveResourceVersion` (the object's
  // resourceVersion in the caller's informer cache, "" when it has none). A dry run is never
  // skipped nor remembered. A failed apply forgets the object, so the next call applies.
  Expected<ApplyOutcome, client::ApiError> apply(const client::ApiResource& resource,
                                                 const std::string& nameSpace,
                                                 const nlohmann::json& desired,
                                                 const std::string& liveResourceVersion,
                                                 const client::ApplyOptions& options);

  std::uint64_t applied() const { return applied_.load(); }
  std::uint64_t skipped() const { return skipped_.load(); }

 private:
  client::ApiClient& api_;
  ApplyCache& cache_;
  std::atomic<std::uint64_t> applied_{0};
  std::atomic<std::uint64_t> skipped_{0};
};

}  // namespace cop::apply
