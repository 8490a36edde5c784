#include "operator/client/discovery_client.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "operator/client/json_fields.h"

namespace cop::client {
namespace {

// The kinds GET /api and /apis may answer with (apidiscovery.k8s.io v2, meta/v1).
constexpr std::string_view kAggregatedKind = "APIGroupDiscoveryList";
constexpr std::string_view kApiVersionsKind = "APIVersions";
constexpr std::string_view kApiGroupListKind = "APIGroupList";
// apidiscovery v2 DiscoveryFreshnessStale: an aggregated API whose discovery the server could
// not refresh (its backend is down); client-go reports such a group version as failed.
constexpr std::string_view kStaleFreshness = "Stale";
constexpr std::string_view kCorePath = "/api";
constexpr std::string_view kGroupsPath = "/apis";

ApiError notDiscovery(const std::string& path, const std::string& what) {
  ApiError error;
  error.kind = ApiErrorKind::Unknown;
  error.code = 200;
  error.message = "GET " + path + ": " + what;
  return error;
}

// kubectl skips a group version that is missing (404: removed between /apis and its list) or
// whose aggregated API is down (503) and goes on with the rest; anything else (403, a dead
// connection) would hit every group version alike, so it fails the discovery.
bool skippable(const ApiError& error) {
  return error.kind == ApiErrorKind::NotFound || error.kind == ApiErrorKind::ServiceUnavailable;
}

const nlohmann::json& arrayAt(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const nlohmann::json* array = fieldAt(object, key);
  return array != nullptr && array->is_array() ? *array : kEmpty;
}

class Discoverer {
 public:
  explicit Discoverer(RestClient& client) : client_(client) {}

  Expected<DiscoveryResult, ApiError> run() {
    int aggregatedRoots = 0;
    for (const std::string& root : {std::string(kCorePath), std::string(kGroupsPath)}) {
      COP_ASSIGN_OR_RETURN(body, get(root, kDiscoveryAccept));
      const nlohmann::json document =
          nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
      if (document.is_discarded() || !document.is_object()) {
        return Unexpected(notDiscovery(root, "the answer is not a JSON object"));
      }
      const std::string kind = stringAt(document, "kind");
      if (kind == kAggregatedKind) {
        if (auto added = addAggregatedDiscovery(result_.resources, body); !added) {
          return Unexpected(notDiscovery(root, added.error().message));
        }
        noteStale(document);
        ++aggregatedRoots;
      } else if (root == kCorePath && kind == kApiVersionsKind) {
        // The core group's versions, preferred first; only v1 has ever existed.
        for (const nlohmann::json& version : arrayAt(document, "versions")) {
          if (version.is_string()) {
            legacy_.emplace_back(version.get<std::string>(),
                                 std::string(kCorePath) + "/" + version.get<std::string>());
            break;
          }
        }
      } else if (root == kGroupsPath && kind == kApiGroupListKind) {
        addLegacyGroups(document);
      } else {
        return Unexpected(notDiscovery(root, "the answer is no discovery document"));
      }
    }
    for (const auto& [groupVersion, path] : legacy_) {
      auto body = get(path, kAcceptJson);
      if (!body) {
        if (!skippable(body.error())) {
          return Unexpected(std::move(body).error());
        }
        result_.failed.push_back({groupVersion, body.error().describe()});
        continue;
      }
      // A broken answer of one aggregated API is that group version's failure, not ours.
      if (auto added = addResourceList(result_.resources, *body); !added) {
        result_.failed.push_back({groupVersion, added.error().message});
      }
    }
    result_.aggregated = aggregatedRoots == 2;
    return std::move(result_);
  }

 private:
  Expected<std::string, ApiError> get(const std::string& path, std::string_view accept) {
    ++result_.requests;
    return client_.getRaw(path, accept);
  }

  void noteStale(const nlohmann::json& document) {
    for (const nlohmann::json& group : arrayAt(document, "items")) {
      std::string groupName;
      if (const nlohmann::json* metadata = objectAt(group, "metadata")) {
        groupName = stringAt(*metadata, "name");
      }
      for (const nlohmann::json& version : arrayAt(group, "versions")) {
        if (stringAt(version, "freshness") == kStaleFreshness) {
          const std::string name = stringAt(version, "version");
          result_.failed.push_back({groupName.empty() ? name : groupName + "/" + name,
                                    "Stale: its aggregated API did not answer the server"});
        }
      }
    }
  }

  // APIGroupList: each group's preferred version, else its first (client-go fetches the
  // preferred one for the RESTMapper's purpose: one version per kind).
  void addLegacyGroups(const nlohmann::json& document) {
    for (const nlohmann::json& group : arrayAt(document, "groups")) {
      std::string groupVersion;
      if (const nlohmann::json* preferred = objectAt(group, "preferredVersion")) {
        groupVersion = stringAt(*preferred, "groupVersion");
      }
      if (groupVersion.empty()) {
        for (const nlohmann::json& version : arrayAt(group, "versions")) {
          groupVersion = stringAt(version, "groupVersion");
          if (!groupVersion.empty()) {
            break;
          }
        }
      }
      if (!groupVersion.empty()) {
        legacy_.emplace_back(groupVersion, std::string(kGroupsPath) + "/" + groupVersion);
      }
    }
  }

  RestClient& client_;
  DiscoveryResult result_;
  std::vector<std::pair<std::string, std::string>> legacy_;  // (group version, its path)
};

}  // namespace

Expected<DiscoveryResult, ApiError> discoverResources(RestClient& client) {
  return Discoverer(client).run();
}

DiscoveryCache::DiscoveryCache(RestClient& client, const Clock& clock)
    : DiscoveryCache([&client] { return discoverResources(client); }, clock) {}

DiscoveryCache::DiscoveryCache(DiscoverFunction discover, const Clock& clock)
    : discover_(std::move(discover)), clock_(clock) {}

std::optional<ApiResource> DiscoveryCache::resolve(std::string_view group, std::string_view kind) {
  return find([&](const ResourceMap& map) { return map.forGroupKind(group, kind); });
}

std::optional<ApiResource> DiscoveryCache::forKind(std::string_view group, std::string_view version,
                                                   std::string_view kind) {
  return find([&](const ResourceMap& map) { return map.forKind(group, version, kind); });
}

bool DiscoveryCache::usingBuiltins() const {
  const std::lock_guard lock(stateMutex_);
  return usingBuiltins_;
}

std::vector<FailedGroupVersion> DiscoveryCache::failedGroupVersions() const {
  const std::lock_guard lock(stateMutex_);
  return failed_;
}

int DiscoveryCache::fetches() const {
  const std::lock_guard lock(stateMutex_);
  return fetches_;
}

std::optional<ApiError> DiscoveryCache::lastError() const {
  const std::lock_guard lock(stateMutex_);
  return lastError_;
}

std::optional<ApiResource> DiscoveryCache::find(const Lookup& lookup) {
  std::shared_ptr<const ResourceMap> map;
  bool builtins = false;
  {
    const std::lock_guard lock(stateMutex_);
    map = map_;
    builtins = usingBuiltins_;
  }
  if (map != nullptr) {
    // A hit in the built-in table still retries discovery when due: the table knows no
    // cluster's versions, so it is left as soon as the server answers.
    if (const ApiResource* hit = lookup(*map); hit != nullptr && !builtins) {
      return *hit;
    }
  }
  {
    const std::lock_guard refreshing(refreshMutex_);
    refreshIfDue();
  }
  {
    const std::lock_guard lock(stateMutex_);
    map = map_;
  }
  const ApiResource* found = map != nullptr ? lookup(*map) : nullptr;
  return found != nullptr ? std::optional<ApiResource>(*found) : std::nullopt;
}

void DiscoveryCache::refreshIfDue() {
  {
    const std::lock_guard lock(stateMutex_);
    if (lastFetch_.has_value()) {
      const auto now = clock_.now();
      // A wall clock set back counts as due rather than freezing the cache until it catches up.
      if (now >= *lastFetch_ && now - *lastFetch_ < kDiscoveryRefreshInterval) {
        return;
      }
    }
    ++fetches_;
  }
  auto discovered = discover_();  // without stateMutex_: lookups that hit go on meanwhile
  const std::lock_guard lock(stateMutex_);
  lastFetch_ = clock_.now();
  if (discovered) {
    map_ = std::make_shared<const ResourceMap>(std::move(discovered->resources));
    failed_ = std::move(discovered->failed);
    lastError_.reset();
    usingBuiltins_ = false;
    return;
  }
  lastError_ = std::move(discovered).error();
  // A map from an earlier discovery stays: it knows the CRDs, the built-in table does not.
  if (map_ == nullptr) {
    map_ = std::make_shared<const ResourceMap>(builtinResourceMap());
    usingBuiltins_ = true;
  }
}

}  // namespace cop::client
