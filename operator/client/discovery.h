#pragma once

// Kind <-> resource mapping from API discovery (issue 7 item 2): which plural resource serves a
// kind, in which group/version, whether it is namespaced, its verbs and its subresources
// (status, scale, ...). Built from the aggregated discovery document (GET /api and /apis with
// `Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`) or from the
// legacy per-group-version APIResourceList (GET /api/v1, /apis/GROUP/VERSION). Built-in kinds
// and CRDs alike: a CRD is served by discovery like any other resource.

#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "operator/common/diagnostic.h"

namespace cop::client {

// The Accept header for aggregated discovery (apiserver 1.30+ GA; also served as v2beta1 by
// 1.26-1.32, which has the same shape).
inline constexpr std::string_view kAggregatedDiscoveryAccept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

struct ApiResource {
  std::string group;     // "" for the core group
  std::string version;   // "v1"
  std::string resource;  // plural, "deployments"
  std::string kind;      // "Deployment"
  std::string singular;  // "deployment"; may be empty in legacy lists
  bool namespaced = false;
  std::vector<std::string> verbs;
  std::vector<std::string> subresources;  // "status", "scale"
  std::vector<std::string> shortNames;

  std::string groupVersion() const;  // "apps/v1", "v1" for core
  bool hasVerb(std::string_view verb) const;
  bool hasSubresource(std::string_view name) const;
};

// Group/version/kind and group/version/resource lookups, both ways. The first resource added
// for a kind in a group/version wins (discovery lists the main resource before its
// subresources and before any alias); versions of a group keep the order they were added in,
// which for aggregated discovery is the server's preference order.
class ResourceMap {
 public:
  void add(ApiResource resource);

  const ApiResource* forKind(std::string_view group, std::string_view version,
                             std::string_view kind) const;
  const ApiResource* forResource(std::string_view group, std::string_view version,
                                 std::string_view resource) const;
  // Version-agnostic, for ownerReferences matched on group and kind (kube-runtime.md §2.5):
  // the kind in its first-listed (preferred) version.
  const ApiResource* forGroupKind(std::string_view group, std::string_view kind) const;

  std::size_t size() const { return resources_.size(); }
  bool empty() const { return resources_.empty(); }

 private:
  using Key = std::tuple<std::string, std::string, std::string>;
  std::vector<ApiResource> resources_;
  std::map<Key, std::size_t> byKind_;      // (group, version, kind)
  std::map<Key, std::size_t> byResource_;  // (group, version, resource)
  std::map<std::pair<std::string, std::string>, std::size_t> byGroupKind_;
};

// Adds every resource of an APIGroupDiscoveryList (apidiscovery.k8s.io v2 or v2beta1) body.
// Fails, naming no byte of the body, when it is not JSON or not that kind; entries without a
// resource name or kind are skipped.
Status addAggregatedDiscovery(ResourceMap& map, std::string_view body);

// Adds every resource of an APIResourceList body (legacy discovery, one group/version);
// "name/sub" entries become subresources of "name".
Status addResourceList(ResourceMap& map, std::string_view body);

// "apps/v1" -> {"apps", "v1"}; "v1" -> {"", "v1"} (an object's apiVersion, a discovery
// groupVersion).
std::pair<std::string, std::string> splitGroupVersion(std::string_view groupVersion);

// A fixed table of the built-in kinds the operator writes or reads (what the translator emits,
// plus Lease and Event), for use ONLY when discovery is unavailable; it knows no CRD and no
// cluster's actual versions, so discovery results always take precedence.
ResourceMap builtinResourceMap();

}  // namespace cop::client
