#pragma once

// A typed error of the Kubernetes API: from a response's HTTP code, headers and body (a
// metav1.Status, or anything a proxy put there), or from a transport failure
// (kube-runtime.md §4.1, §4.3). The kinds and predicates follow client-go's
// k8s.io/apimachinery/pkg/api/errors: a known `reason` decides the kind, the HTTP code decides
// it only when the reason is absent or unknown (errors.go reasonAndCodeForError).
//
// No ApiError quotes a response body beyond cop::excerpt(): a non-Status body (an HTML page
// from a proxy) is only excerpted, and a Status message is made printable and capped.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "operator/client/response_headers.h"

namespace cop::client {

enum class ApiErrorKind {
  BadRequest,             // 400
  Unauthorized,           // 401
  Forbidden,              // 403
  NotFound,               // 404
  MethodNotAllowed,       // 405
  NotAcceptable,          // 406
  AlreadyExists,          // 409, reason AlreadyExists
  Conflict,               // 409, reason Conflict (or none)
  Expired,                // 410, reason Expired or (servers <= 1.17) Gone
  RequestEntityTooLarge,  // 413
  UnsupportedMediaType,   // 415
  Invalid,                // 422, with causes
  TooManyRequests,        // 429
  InternalError,          // 500
  ServerTimeout,          // reason ServerTimeout (sent with 500 or 504)
  ServiceUnavailable,     // 503
  Timeout,                // 504, reason Timeout (incl. cause ResourceVersionTooLarge)
  ServerError,            // another 5xx
  Unknown,                // another code with no known reason
  // Transport failures: no HTTP response at all.
  TransportTimeout,   // connect or read timed out
  ConnectionRefused,  // nothing listens; the request was never sent
  ConnectionLost,     // reset, EOF, HTTP/2 stream or connection lost mid-request
  TlsFailure,         // handshake or certificate verification failed
  TransportFailure,   // DNS or anything else below HTTP
};

// The name of a kind, as in messages ("NotFound", "TlsFailure").
std::string_view kindName(ApiErrorKind kind);

// One of details.causes[] (metav1.StatusCause): for Invalid, reason FieldValueInvalid,
// FieldValueRequired, ...; for an apply conflict, FieldManagerConflict (§3.1).
struct StatusCause {
  std::string reason;
  std::string message;
  std::string field;  // e.g. "spec.replicas", ".spec.replicas" for apply conflicts
};

// The failures of §4.1's last paragraph, for transportError().
enum class TransportFailureKind { Timeout, ConnectionRefused, ConnectionLost, Tls, Other };

struct ApiError {
  ApiErrorKind kind = ApiErrorKind::Unknown;
  int code = 0;            // HTTP status; 0 for a transport failure
  std::string reason;      // the Status reason as sent, empty when none
  std::string message;     // printable, at most kMaxStatusMessageBytes
  std::string objectName;  // details.name
  std::string group;       // details.group
  std::string objectKind;  // details.kind
  std::vector<StatusCause> causes;
  // From the Retry-After header when it holds whole seconds, else from
  // details.retryAfterSeconds: the header wins, as in client-go (rest/request.go checkWait
  // reads only the header). Not capped here; retryDelay() caps it.
  std::optional<std::chrono::seconds> retryAfter;
  std::string flowSchemaUid;  // X-Kubernetes-PF-FlowSchema-UID, logged on 429 (§4.3)
  bool statusBody = false;    // the body was a metav1.Status

  // "NotFound (404): configmaps \"web\" not found"; for a transport failure "TlsFailure: ...".
  std::string describe() const;
};

// Status messages longer than this are cut: they are for people, and an error is a log line.
inline constexpr std::size_t kMaxStatusMessageBytes = 1024;

// The error of a non-2xx response. `body` may be a Status, another JSON document, HTML or
// empty; never throws.
ApiError apiErrorFromResponse(int httpCode, const ResponseHeaders& headers, std::string_view body);

// The error a Status object carries, e.g. in a watch ERROR event (§1.3); `fallbackCode` is used
// when the object has no integer code.
ApiError apiErrorFromStatus(const nlohmann::json& status, int fallbackCode = 0);

// A failure below HTTP. `detail` is the transport's own text (curl_easy_strerror), which holds
// no credentials; it is made printable and excerpted.
ApiError transportError(TransportFailureKind failure, std::string_view detail);

// The predicates of client-go's apierrors.
bool isNotFound(const ApiError& error);
bool isAlreadyExists(const ApiError& error);
bool isConflict(const ApiError& error);
bool isInvalid(const ApiError& error);
bool isForbidden(const ApiError& error);
bool isUnauthorized(const ApiError& error);
// 410 Expired or Gone: relist (§1.5), or an expired continue token.
bool isExpired(const ApiError& error);
bool isTooManyRequests(const ApiError& error);
// Timeout (504) or ServerTimeout, as apierrors.IsTimeout || IsServerTimeout.
bool isTimeout(const ApiError& error);
// Any HTTP 5xx.
bool isServerError(const ApiError& error);
bool isTransport(const ApiError& error);
// 504 with the ResourceVersionTooLarge cause, or its 1.17-1.18 message (§1.5).
bool isResourceVersionTooLarge(const ApiError& error);
// Has a cause FieldManagerConflict: an unforced server-side apply lost fields (§3.1, §10.12).
bool isFieldManagerConflict(const ApiError& error);

// Whether the request may be sent again unchanged (§4.1, §4.3): 429 and every 5xx; a
// connection refused (nothing was sent); and, for reads only, a lost connection or a timeout
// (client-go retries GETs on connection reset/EOF and never writes). Not: 4xx other than 429
// (a 401 is retried once after a credential refresh, which the caller owns, §6.2/6.3; a 409
// after a re-read), TLS failures (configuration).
bool isRetriable(const ApiError& error, bool requestIsRead);

// The wait before retrying, or nullopt when isRetriable() is false: Retry-After (header, else
// details.retryAfterSeconds) capped at kMaxRetryAfter; else 1 s for a lost read connection
// (client-go treats it as "Retry-After: 1", rest/request.go); else `backoff`, the caller's
// exponential back-off.
std::optional<std::chrono::milliseconds> retryDelay(const ApiError& error, bool requestIsRead,
                                                    std::chrono::milliseconds backoff);

// Our cap on a server-suggested wait. client-go has none (rest/with_retry.go); the apiserver's
// own values stay within 30 s (watch-cache re-initialisation 1-30 s, §1.4; max-in-flight 1 s,
// §4.3), so a longer one comes from a broken proxy and must not stall a worker for hours.
inline constexpr std::chrono::seconds kMaxRetryAfter{60};
// client-go rest/request.go: a lost connection on a GET is retried "as if Retry-After: 1".
inline constexpr std::chrono::seconds kLostConnectionReadRetry{1};

}  // namespace cop::client
