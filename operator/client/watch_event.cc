#include "operator/client/watch_event.h"

#include "operator/client/json_fields.h"

namespace cop::client {
namespace {

// client-go reflector.go isTooLargeResourceVersionError: the text of 1.17-1.18 servers.
constexpr std::string_view kTooLargeResourceVersionText = "Too large resource version";
// apimachinery metav1.CauseTypeResourceVersionTooLarge.
constexpr std::string_view kTooLargeResourceVersionCause = "ResourceVersionTooLarge";
// HTTP codes of §4.1.
constexpr int kCodeGone = 410;
constexpr int kCodeGatewayTimeout = 504;

}  // namespace

bool ApiStatus::isExpired() const {
  return code == kCodeGone;
}

bool ApiStatus::isResourceVersionTooLarge() const {
  if (resourceVersionTooLargeCause) {
    return true;
  }
  return code == kCodeGatewayTimeout &&
         message.find(kTooLargeResourceVersionText) != std::string::npos;
}

ApiStatus parseApiStatus(const nlohmann::json& object, int fallbackCode) {
  ApiStatus status;
  status.code = fallbackCode;
  if (!object.is_object()) {
    return status;
  }
  const auto code = object.find("code");
  if (code != object.end() && code->is_number_integer()) {
    status.code = code->get<int>();
  }
  status.reason = stringAt(object, "reason");
  status.message = stringAt(object, "message");
  if (const nlohmann::json* details = objectAt(object, "details")) {
    const auto retry = details->find("retryAfterSeconds");
    if (retry != details->end() && retry->is_number_integer()) {
      status.retryAfterSeconds = retry->get<int>();
    }
    const auto causes = details->find("causes");
    if (causes != details->end() && causes->is_array()) {
      for (const nlohmann::json& cause : *causes) {
        if (stringAt(cause, "reason") == kTooLargeResourceVersionCause) {
          status.resourceVersionTooLargeCause = true;
        }
      }
    }
  }
  return status;
}

std::string WatchEvent::resourceVersion() const {
  const nlohmann::json* metadata = objectAt(object, "metadata");
  return metadata != nullptr ? stringAt(*metadata, "resourceVersion") : std::string();
}

bool WatchEvent::isInitialEventsEnd() const {
  if (type != WatchEventType::Bookmark) {
    return false;
  }
  const nlohmann::json* metadata = objectAt(object, "metadata");
  const nlohmann::json* annotations =
      metadata != nullptr ? objectAt(*metadata, "annotations") : nullptr;
  return annotations != nullptr && stringAt(*annotations, kInitialEventsEndAnnotation) == "true";
}

}  // namespace cop::client
