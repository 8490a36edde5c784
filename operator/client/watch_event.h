#pragma once

// One event of a Kubernetes watch stream: {"type": T, "object": O} (kube-runtime.md §1.3), and
// the Status an ERROR event carries (§4.1).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace cop::client {

enum class WatchEventType { Added, Modified, Deleted, Bookmark, Error };

// The fields of a metav1.Status a client acts on. Never holds object data.
struct ApiStatus {
  int code = 0;
  std::string reason;   // "Expired", "Gone", "TooManyRequests", ...
  std::string message;  // the server's text, e.g. "too old resource version: 5 (1042)"
  std::optional<int> retryAfterSeconds;       // details.retryAfterSeconds
  bool resourceVersionTooLargeCause = false;  // details.causes[].reason == ResourceVersionTooLarge

  // 410, whatever the reason says: servers <= 1.17 say "Gone", later ones "Expired"; client-go
  // matches both (tools/cache/reflector.go isExpiredError), kube-runtime.md §1.3.
  bool isExpired() const;
  // 504 with the ResourceVersionTooLarge cause, or (1.17-1.18) a message containing "Too large
  // resource version" (client-go reflector.go isTooLargeResourceVersionError), §1.5.
  bool isResourceVersionTooLarge() const;
};

// Reads a Status object; a body that is no Status gives {code = fallbackCode}.
ApiStatus parseApiStatus(const nlohmann::json& object, int fallbackCode = 0);

struct WatchEvent {
  WatchEventType type = WatchEventType::Added;
  nlohmann::json object;            // the object; for ERROR the raw Status object
  std::optional<ApiStatus> status;  // set for ERROR only

  // metadata.resourceVersion of the object, empty when absent (ERROR events have none).
  std::string resourceVersion() const;
  // A BOOKMARK that ends the initial events of a watch-list stream: metadata.annotations
  // "k8s.io/initial-events-end": "true" (kube-runtime.md §1.6).
  bool isInitialEventsEnd() const;
};

// The annotation that marks the end of a watch-list's initial events (KEP-3157, §1.6).
inline constexpr const char* kInitialEventsEndAnnotation = "k8s.io/initial-events-end";

}  // namespace cop::client
