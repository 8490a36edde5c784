#include "operator/client/api_error.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "operator/client/json_fields.h"
#include "operator/common/message_text.h"

namespace cop::client {
namespace {

// HTTP codes of §4.1.
constexpr int kCodeBadRequest = 400;
constexpr int kCodeUnauthorized = 401;
constexpr int kCodeForbidden = 403;
constexpr int kCodeNotFound = 404;
constexpr int kCodeMethodNotAllowed = 405;
constexpr int kCodeNotAcceptable = 406;
constexpr int kCodeConflict = 409;
constexpr int kCodeGone = 410;
constexpr int kCodeRequestEntityTooLarge = 413;
constexpr int kCodeUnsupportedMediaType = 415;
constexpr int kCodeUnprocessableEntity = 422;
constexpr int kCodeTooManyRequests = 429;
constexpr int kCodeInternalServerError = 500;
constexpr int kCodeServiceUnavailable = 503;
constexpr int kCodeGatewayTimeout = 504;

// apimachinery metav1.CauseTypeResourceVersionTooLarge and the 1.17-1.18 message (client-go
// reflector.go isTooLargeResourceVersionError).
constexpr std::string_view kTooLargeResourceVersionCause = "ResourceVersionTooLarge";
constexpr std::string_view kTooLargeResourceVersionText = "Too large resource version";
// apimachinery metav1.CauseTypeFieldManagerConflict.
constexpr std::string_view kFieldManagerConflictCause = "FieldManagerConflict";
// Headers of §4.1 / §4.3.
constexpr std::string_view kRetryAfterHeader = "Retry-After";
constexpr std::string_view kFlowSchemaHeader = "X-Kubernetes-PF-FlowSchema-UID";
// Causes beyond this many are dropped: a 422 lists one per invalid field, and an error is a
// log line and a status condition (ours, no Kubernetes rule).
constexpr std::size_t kMaxCauses = 64;

struct ReasonKind {
  std::string_view reason;
  ApiErrorKind kind;
};

// The metav1.StatusReason values client-go's apierrors knows (types.go). StoreReadError is a
// 500 reading etcd.
constexpr ReasonKind kKnownReasons[] = {
    {"BadRequest", ApiErrorKind::BadRequest},
    {"Unauthorized", ApiErrorKind::Unauthorized},
    {"Forbidden", ApiErrorKind::Forbidden},
    {"NotFound", ApiErrorKind::NotFound},
    {"MethodNotAllowed", ApiErrorKind::MethodNotAllowed},
    {"NotAcceptable", ApiErrorKind::NotAcceptable},
    {"AlreadyExists", ApiErrorKind::AlreadyExists},
    {"Conflict", ApiErrorKind::Conflict},
    {"Gone", ApiErrorKind::Expired},
    {"Expired", ApiErrorKind::Expired},
    {"RequestEntityTooLarge", ApiErrorKind::RequestEntityTooLarge},
    {"UnsupportedMediaType", ApiErrorKind::UnsupportedMediaType},
    {"Invalid", ApiErrorKind::Invalid},
    {"TooManyRequests", ApiErrorKind::TooManyRequests},
    {"InternalError", ApiErrorKind::InternalError},
    {"StoreReadError", ApiErrorKind::InternalError},
    {"ServerTimeout", ApiErrorKind::ServerTimeout},
    {"ServiceUnavailable", ApiErrorKind::ServiceUnavailable},
    {"Timeout", ApiErrorKind::Timeout},
};

std::optional<ApiErrorKind> kindForReason(std::string_view reason) {
  for (const ReasonKind& known : kKnownReasons) {
    if (known.reason == reason) {
      return known.kind;
    }
  }
  return std::nullopt;
}

ApiErrorKind kindForCode(int code) {
  switch (code) {
    case kCodeBadRequest:
      return ApiErrorKind::BadRequest;
    case kCodeUnauthorized:
      return ApiErrorKind::Unauthorized;
    case kCodeForbidden:
      return ApiErrorKind::Forbidden;
    case kCodeNotFound:
      return ApiErrorKind::NotFound;
    case kCodeMethodNotAllowed:
      return ApiErrorKind::MethodNotAllowed;
    case kCodeNotAcceptable:
      return ApiErrorKind::NotAcceptable;
    case kCodeConflict:
      return ApiErrorKind::Conflict;  // apierrors.IsConflict: code 409 with no known reason
    case kCodeGone:
      return ApiErrorKind::Expired;
    case kCodeRequestEntityTooLarge:
      return ApiErrorKind::RequestEntityTooLarge;
    case kCodeUnsupportedMediaType:
      return ApiErrorKind::UnsupportedMediaType;
    case kCodeUnprocessableEntity:
      return ApiErrorKind::Invalid;
    case kCodeTooManyRequests:
      return ApiErrorKind::TooManyRequests;
    case kCodeInternalServerError:
      return ApiErrorKind::InternalError;
    case kCodeServiceUnavailable:
      return ApiErrorKind::ServiceUnavailable;
    case kCodeGatewayTimeout:
      return ApiErrorKind::Timeout;
    default:
      return code >= 500 && code < 600 ? ApiErrorKind::ServerError : ApiErrorKind::Unknown;
  }
}

// Printable, and cut on a character boundary past kMaxStatusMessageBytes.
std::string boundedMessage(std::string_view text) {
  std::string out = printable(text);
  if (out.size() <= kMaxStatusMessageBytes) {
    return out;
  }
  std::size_t cut = kMaxStatusMessageBytes;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  out.resize(cut);
  out += "...";
  return out;
}

// Retry-After in whole seconds (RFC 9110 §10.2.3 delay-seconds). An HTTP-date is ignored, as
// client-go ignores it (rest/request.go checkWait: strconv.Atoi), and so is anything else.
std::optional<std::chrono::seconds> parseRetryAfter(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  if (value.empty()) {
    return std::nullopt;
  }
  long long seconds = 0;
  const auto [end, status] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (status != std::errc() || end != value.data() + value.size() || seconds < 0) {
    return std::nullopt;
  }
  return std::chrono::seconds(seconds);
}

void readDetails(const nlohmann::json& details, ApiError& error) {
  error.objectName = stringAt(details, "name");
  error.group = stringAt(details, "group");
  error.objectKind = stringAt(details, "kind");
  const auto retry = details.find("retryAfterSeconds");
  if (retry != details.end() && retry->is_number_integer() && retry->get<long long>() >= 0) {
    error.retryAfter = std::chrono::seconds(retry->get<long long>());
  }
  const auto causes = details.find("causes");
  if (causes == details.end() || !causes->is_array()) {
    return;
  }
  for (const nlohmann::json& cause : *causes) {
    if (error.causes.size() == kMaxCauses) {
      break;
    }
    if (!cause.is_object()) {
      continue;
    }
    error.causes.push_back(StatusCause{printable(stringAt(cause, "reason")),
                                       boundedMessage(stringAt(cause, "message")),
                                       printable(stringAt(cause, "field"))});
  }
}

bool isStatusObject(const nlohmann::json& body) {
  return body.is_object() && stringAt(body, "kind") == "Status";
}

}  // namespace

std::string_view kindName(ApiErrorKind kind) {
  switch (kind) {
    case ApiErrorKind::BadRequest:
      return "BadRequest";
    case ApiErrorKind::Unauthorized:
      return "Unauthorized";
    case ApiErrorKind::Forbidden:
      return "Forbidden";
    case ApiErrorKind::NotFound:
      return "NotFound";
    case ApiErrorKind::MethodNotAllowed:
      return "MethodNotAllowed";
    case ApiErrorKind::NotAcceptable:
      return "NotAcceptable";
    case ApiErrorKind::AlreadyExists:
      return "AlreadyExists";
    case ApiErrorKind::Conflict:
      return "Conflict";
    case ApiErrorKind::Expired:
      return "Expired";
    case ApiErrorKind::RequestEntityTooLarge:
      return "RequestEntityTooLarge";
    case ApiErrorKind::UnsupportedMediaType:
      return "UnsupportedMediaType";
    case ApiErrorKind::Invalid:
      return "Invalid";
    case ApiErrorKind::TooManyRequests:
      return "TooManyRequests";
    case ApiErrorKind::InternalError:
      return "InternalError";
    case ApiErrorKind::ServerTimeout:
      return "ServerTimeout";
    case ApiErrorKind::ServiceUnavailable:
      return "ServiceUnavailable";
    case ApiErrorKind::Timeout:
      return "Timeout";
    case ApiErrorKind::ServerError:
      return "ServerError";
    case ApiErrorKind::Unknown:
      return "Unknown";
    case ApiErrorKind::TransportTimeout:
      return "TransportTimeout";
    case ApiErrorKind::ConnectionRefused:
      return "ConnectionRefused";
    case ApiErrorKind::ConnectionLost:
      return "ConnectionLost";
    case ApiErrorKind::TlsFailure:
      return "TlsFailure";
    case ApiErrorKind::TransportFailure:
      return "TransportFailure";
  }
  return "Unknown";
}

std::string ApiError::describe() const {
  std::string text(kindName(kind));
  if (code != 0) {
    text += " (" + std::to_string(code) + ")";
  }
  text += ": ";
  text += message.empty() ? std::string("no message") : message;
  for (const StatusCause& cause : causes) {
    text += "; ";
    if (!cause.field.empty()) {
      text += cause.field + ": ";
    }
    text += cause.message.empty() ? cause.reason : cause.message;
  }
  return text;
}

ApiError apiErrorFromStatus(const nlohmann::json& status, int fallbackCode) {
  ApiError error;
  error.code = fallbackCode;
  if (status.is_object()) {
    const auto code = status.find("code");
    if (code != status.end() && code->is_number_integer()) {
      error.code = code->get<int>();
    }
    error.statusBody = isStatusObject(status);
    error.reason = printable(stringAt(status, "reason"));
    error.message = boundedMessage(stringAt(status, "message"));
    const auto details = status.find("details");
    if (details != status.end() && details->is_object()) {
      readDetails(*details, error);
    }
  }
  // apierrors: a known reason decides; the code only when the reason is absent or unknown.
  error.kind = kindForReason(error.reason).value_or(kindForCode(error.code));
  return error;
}

ApiError apiErrorFromResponse(int httpCode, const ResponseHeaders& headers, std::string_view body) {
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  ApiError error;
  if (isStatusObject(parsed)) {
    error = apiErrorFromStatus(parsed, httpCode);
    // The response line is what happened; a Status code disagreeing with it (a proxy passing
    // a body on) does not change the kind decided by the reason, but the code is the HTTP one.
    error.code = httpCode;
    if (!kindForReason(error.reason).has_value()) {
      error.kind = kindForCode(httpCode);
    }
  } else {
    error.code = httpCode;
    error.kind = kindForCode(httpCode);
    // client-go newUnstructuredResponseError: the body, trimmed, stands in for the message.
    error.message = body.empty() ? std::string("empty response body")
                                 : "the server answered with a non-Status body: " + excerpt(body);
  }
  if (const auto header = parseRetryAfter(firstHeaderValue(headers, kRetryAfterHeader))) {
    error.retryAfter = header;  // the header wins over details.retryAfterSeconds
  }
  error.flowSchemaUid = printable(firstHeaderValue(headers, kFlowSchemaHeader));
  return error;
}

ApiError transportError(TransportFailureKind failure, std::string_view detail) {
  ApiError error;
  switch (failure) {
    case TransportFailureKind::Timeout:
      error.kind = ApiErrorKind::TransportTimeout;
      break;
    case TransportFailureKind::ConnectionRefused:
      error.kind = ApiErrorKind::ConnectionRefused;
      break;
    case TransportFailureKind::ConnectionLost:
      error.kind = ApiErrorKind::ConnectionLost;
      break;
    case TransportFailureKind::Tls:
      error.kind = ApiErrorKind::TlsFailure;
      break;
    case TransportFailureKind::Other:
      error.kind = ApiErrorKind::TransportFailure;
      break;
  }
  error.message = excerpt(detail);
  return error;
}

bool isNotFound(const ApiError& error) {
  return error.kind == ApiErrorKind::NotFound;
}
bool isAlreadyExists(const ApiError& error) {
  return error.kind == ApiErrorKind::AlreadyExists;
}
bool isConflict(const ApiError& error) {
  return error.kind == ApiErrorKind::Conflict;
}
bool isInvalid(const ApiError& error) {
  return error.kind == ApiErrorKind::Invalid;
}
bool isForbidden(const ApiError& error) {
  return error.kind == ApiErrorKind::Forbidden;
}
bool isUnauthorized(const ApiError& error) {
  return error.kind == ApiErrorKind::Unauthorized;
}
bool isExpired(const ApiError& error) {
  // client-go reflector.go isExpiredError matches the reason Expired or Gone, or code 410.
  return error.kind == ApiErrorKind::Expired || error.code == kCodeGone;
}
bool isTooManyRequests(const ApiError& error) {
  return error.kind == ApiErrorKind::TooManyRequests;
}
bool isTimeout(const ApiError& error) {
  return error.kind == ApiErrorKind::Timeout || error.kind == ApiErrorKind::ServerTimeout;
}
bool isServerError(const ApiError& error) {
  return error.code >= 500 && error.code < 600;
}
bool isTransport(const ApiError& error) {
  switch (error.kind) {
    case ApiErrorKind::TransportTimeout:
    case ApiErrorKind::ConnectionRefused:
    case ApiErrorKind::ConnectionLost:
    case ApiErrorKind::TlsFailure:
    case ApiErrorKind::TransportFailure:
      return true;
    default:
      return false;
  }
}

bool isResourceVersionTooLarge(const ApiError& error) {
  const bool cause = std::any_of(error.causes.begin(), error.causes.end(), [](const auto& c) {
    return c.reason == kTooLargeResourceVersionCause;
  });
  if (cause) {
    return true;
  }
  return error.code == kCodeGatewayTimeout &&
         error.message.find(kTooLargeResourceVersionText) != std::string::npos;
}

bool isFieldManagerConflict(const ApiError& error) {
  return isConflict(error) &&
         std::any_of(error.causes.begin(), error.causes.end(),
                     [](const auto& c) { return c.reason == kFieldManagerConflictCause; });
}

bool isRetriable(const ApiError& error, bool requestIsRead) {
  if (isTooManyRequests(error) || isServerError(error) ||
      error.kind == ApiErrorKind::ServerTimeout) {
    return true;
  }
  switch (error.kind) {
    case ApiErrorKind::ConnectionRefused:
      return true;
    case ApiErrorKind::ConnectionLost:
    case ApiErrorKind::TransportTimeout:
      return requestIsRead;
    default:
      return false;
  }
}

std::optional<std::chrono::milliseconds> retryDelay(const ApiError& error, bool requestIsRead,
                                                    std::chrono::milliseconds backoff) {
  if (!isRetriable(error, requestIsRead)) {
    return std::nullopt;
  }
  if (error.retryAfter.has_value()) {
    return std::chrono::milliseconds(std::min(*error.retryAfter, kMaxRetryAfter));
  }
  if (error.kind == ApiErrorKind::ConnectionLost) {
    return std::chrono::milliseconds(kLostConnectionReadRetry);
  }
  return backoff;
}

}  // namespace cop::client
