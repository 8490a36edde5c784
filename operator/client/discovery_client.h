#pragma once

// Fetching discovery from a server (issue 7 item 2): the ResourceMap of discovery.h, built from
// GET /api and GET /apis. Aggregated discovery (one request each, apiserver 1.30+) is asked for
// first; a server that answers the legacy APIVersions / APIGroupList instead is walked one group
// version at a time (GET /api/v1, GET /apis/GROUP/VERSION for each group's preferred version),
// as client-go's discovery client does. A group version that cannot be listed (404, or 503 from
// an aggregated API whose backend is down) or that aggregated discovery marks Stale is named in
// the result and skipped, as kubectl does, instead of failing the whole discovery.
//
// DiscoveryCache keeps one ResourceMap for the process: fetched on first use, fetched again when
// a lookup misses (a CRD installed after start), at most once per kDiscoveryRefreshInterval.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "operator/client/api_error.h"
#include "operator/client/clock.h"
#include "operator/client/discovery.h"
#include "operator/client/rest_client.h"

namespace cop::client {

// GET /api and /apis: aggregated discovery v2 (GA in 1.30), then v2beta1 (served by 1.26-1.32,
// same shape), then the legacy documents for a server that knows neither (client-go
// discovery_client.go acceptDiscoveryFormats, in its order of preference).
inline constexpr std::string_view kDiscoveryAccept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
    "application/json";

// The least time between two discovery fetches triggered by lookups that miss: an operator
// resolving an unknown kind in a loop (a miss storm) costs the server one discovery per
// interval, not one per lookup. 30 s: a CRD installed after start is found within that; the
// server's own discovery lags a new CRD by about a second anyway.
inline constexpr std::chrono::seconds kDiscoveryRefreshInterval{30};

// A group version that discovery skipped, and why.
struct FailedGroupVersion {
  std::string groupVersion;  // "metrics.k8s.io/v1beta1", "v1" for core
  std::string reason;        // "ServiceUnavailable (503): ...", "Stale"
};

struct DiscoveryResult {
  ResourceMap resources;
  std::vector<FailedGroupVersion> failed;
  int requests = 0;         // GETs sent (retries of one GET not counted)
  bool aggregated = false;  // both /api and /apis answered with aggregated discovery
};

// GET /api and /apis (and, for a legacy server, each group version) through `client`, so every
// request gets its auth, retries, warnings and metrics. Fails only when /api or /apis fails or
// is no discovery document, or when a group version fails other than with 404/503 (one that
// answers with no APIResourceList is skipped too). Resources of a Stale group version are kept
// (they were right when last seen) and the group version is named in `failed`.
Expected<DiscoveryResult, ApiError> discoverResources(RestClient& client);

// Fetches discovery; discoverResources() over a client, or a stub in tests.
using DiscoverFunction = std::function<Expected<DiscoveryResult, ApiError>()>;

// The process's ResourceMap, thread-safe. Lookups return copies: a refresh replaces the map.
class DiscoveryCache {
 public:
  // `client` and `clock` must outlive the cache.
  DiscoveryCache(RestClient& client, const Clock& clock);
  DiscoveryCache(DiscoverFunction discover, const Clock& clock);

  // The kind in its group's preferred version (ownerReferences, kube-runtime.md §2.5).
  std::optional<ApiResource> resolve(std::string_view group, std::string_view kind);
  std::optional<ApiResource> forKind(std::string_view group, std::string_view version,
                                     std::string_view kind);

  // True while the map is builtinResourceMap() because discovery failed entirely; lookups then
  // try discovery again, at most once per interval.
  bool usingBuiltins() const;
  // The group versions the last successful discovery skipped.
  std::vector<FailedGroupVersion> failedGroupVersions() const;
  // Discovery fetches started so far (successful or not).
  int fetches() const;
  // The last discovery error, if the last fetch failed.
  std::optional<ApiError> lastError() const;

 private:
  using Lookup = std::function<const ApiResource*(const ResourceMap&)>;

  std::optional<ApiResource> find(const Lookup& lookup);
  // Under refreshMutex_: fetches unless the last fetch was less than an interval ago (the
  // first fetch always goes).
  void refreshIfDue();

  DiscoverFunction discover_;
  const Clock& clock_;

  // Serializes fetches: threads that miss together wait for one fetch, then find it recent.
  std::mutex refreshMutex_;
  // Guards the fields below; never held during a fetch, so hits never wait for the network.
  mutable std::mutex stateMutex_;
  std::shared_ptr<const ResourceMap> map_;  // null until the first fetch
  std::vector<FailedGroupVersion> failed_;
  std::optional<ApiError> lastError_;
  std::optional<std::chrono::system_clock::time_point> lastFetch_;
  bool usingBuiltins_ = false;
  int fetches_ = 0;
};

}  // namespace cop::client
