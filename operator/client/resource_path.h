#pragma once

// The URL path and query of a request on an API resource (kube-runtime.md §1.1, §3.1):
//   core group:  /api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]]
//   other group: /apis/GROUP/VERSION[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]]
// A cluster-scoped resource never has the namespaces/NS part (client-go rest/request.go
// URL()). Every path segment and every query value is percent-encoded, so a name or a label
// selector can never change the shape of the URL.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "operator/client/discovery.h"

namespace cop::client {

// RFC 3986 §2.3: the unreserved characters ALPHA / DIGIT / "-" / "." / "_" / "~" are kept,
// every other byte becomes %XX (upper-case hex, §2.1).
std::string percentEncode(std::string_view text);

// Why `value` cannot be a path segment (a name, a namespace or a subresource), or nullopt
// when it can. client-go rest/request.go refuses a name that IsValidPathSegmentName rejects
// (apimachinery pkg/api/validation/path: "." and "..", or containing '/' or '%'); we also
// refuse an empty one and control characters, which no Kubernetes name holds. `what` names
// the value in the message ("name", "namespace").
std::optional<std::string> pathSegmentProblem(std::string_view what, std::string_view value);

// "/api/v1" for the core group, "/apis/GROUP/VERSION" otherwise.
std::string groupVersionPrefix(const ApiResource& resource);

// The collection: .../[namespaces/NS/]RESOURCE. `nameSpace` is ignored for a cluster-scoped
// resource; empty means every namespace (list and watch).
std::string collectionPath(const ApiResource& resource, std::string_view nameSpace);

// One object, or one of its subresources ("" for none).
std::string objectPath(const ApiResource& resource, std::string_view nameSpace,
                       std::string_view name, std::string_view subresource = "");

// Query parameters, written sorted by name (as Go's url.Values.Encode, so client-go and we
// send the same string for the same options) with repeats kept in the order added.
class Query {
 public:
  Query& add(std::string name, std::string value);
  // Adds the parameter only when `value` is not empty.
  Query& addIfSet(std::string name, std::string value);
  // "" when empty, else "?a=1&b=x%2Fy".
  std::string encode() const;
  bool empty() const { return params_.empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace cop::client
