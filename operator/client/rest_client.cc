#include "operator/client/rest_client.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "operator/client/curl_multi_transport.h"
#include "operator/client/json_fields.h"
#include "operator/client/resource_path.h"
#include "operator/client/warning_header.h"
#include "operator/client/watch_decoder.h"
#include "operator/common/message_text.h"

namespace cop::client {

struct RestClient::Call {
  std::string method;
  std::string pathAndQuery;
  std::string body;
  std::string_view contentType;
  std::string_view accept = kAcceptJson;
  bool isRead = false;  // GET or LIST: safe to send again after a lost connection
};

struct RestClient::Answer {
  HttpResponse response;
  std::vector<std::string> warnings;
};

namespace {

constexpr int kCodeUnauthorized = 401;
constexpr int kCodeTooManyRequests = 429;
// Query values of the watch and apply requests (kube-runtime.md §1.1, §1.6, §3.1).
constexpr const char* kTrue = "true";
constexpr const char* kDryRunAll = "All";
constexpr const char* kNotOlderThan = "NotOlderThan";

bool isSuccess(long status) {
  return status >= 200 && status < 300;
}

// A 429 or a 5xx may be retried when the server says when (client-go with_retry.go checkWait).
bool mayRetryAfter(long status) {
  return status == kCodeTooManyRequests || (status >= 500 && status < 600);
}

ApiError badRequest(std::string message) {
  ApiError error;
  error.kind = ApiErrorKind::BadRequest;
  error.message = printable(message + " (not sent)");
  return error;
}

ApiError fromTransport(const TransportError& failure) {
  TransportFailureKind kind = TransportFailureKind::Other;
  switch (failure.kind) {
    case TransportFailure::kConnect:
      kind = TransportFailureKind::ConnectionRefused;
      break;
    case TransportFailure::kConnectionLost:
      kind = TransportFailureKind::ConnectionLost;
      break;
    case TransportFailure::kTls:
      kind = TransportFailureKind::Tls;
      break;
    case TransportFailure::kTimeout:
      kind = TransportFailureKind::Timeout;
      break;
    case TransportFailure::kAborted:
    case TransportFailure::kInvalid:
    case TransportFailure::kOther:
      kind = TransportFailureKind::Other;
      break;
  }
  // transportError() keeps only an excerpt; the transport's text names the method and path
  // first, which is the useful part, and never a header.
  return transportError(kind, failure.message);
}

// A namespace for a namespaced resource: required for single-object calls, optional (all
// namespaces) for list and watch; always a valid path segment when given.
std::optional<ApiError> checkNamespace(const ApiResource& resource, const std::string& nameSpace,
                                       bool required) {
  if (!resource.namespaced) {
    return std::nullopt;
  }
  if (nameSpace.empty()) {
    if (!required) {
      return std::nullopt;
    }
    return badRequest(resource.resource + " is namespaced: a namespace is required");
  }
  if (auto problem = pathSegmentProblem("namespace", nameSpace)) {
    return badRequest(*problem);
  }
  return std::nullopt;
}

std::optional<ApiError> checkName(const std::string& name) {
  if (auto problem = pathSegmentProblem("name", name)) {
    return badRequest(*problem);
  }
  return std::nullopt;
}

std::optional<ApiError> checkSubresource(const std::string& subresource) {
  if (subresource.empty()) {
    return std::nullopt;
  }
  if (auto problem = pathSegmentProblem("subresource", subresource)) {
    return badRequest(*problem);
  }
  return std::nullopt;
}

// What every call on one object checks before sending anything: its namespace, its name and
// the subresource ("" for the object itself).
std::optional<ApiError> checkObjectTarget(const ApiResource& resource, const std::string& nameSpace,
                                          const std::string& name, const std::string& subresource) {
  if (auto error = checkNamespace(resource, nameSpace, true)) {
    return error;
  }
  if (auto error = checkName(name)) {
    return error;
  }
  return checkSubresource(subresource);
}

// apimachinery pkg/apis/meta/v1/validation ValidateFieldManager: required for apply, at most
// 128 characters, each printable (unicode.IsPrint: no control characters).
std::optional<ApiError> checkFieldManager(const std::string& fieldManager) {
  if (fieldManager.empty()) {
    return badRequest("a field manager is required for apply");
  }
  if (fieldManager.size() > kMaxFieldManagerLength) {
    return badRequest("the field manager is longer than 128 characters");
  }
  for (const char raw : fieldManager) {
    const auto c = static_cast<unsigned char>(raw);
    if (c < 0x20 || c == 0x7F) {
      return badRequest("the field manager may hold only printable characters");
    }
  }
  return std::nullopt;
}

std::string metadataName(const nlohmann::json& object) {
  const nlohmann::json* metadata = objectAt(object, "metadata");
  return metadata != nullptr ? stringAt(*metadata, "name") : std::string();
}

std::string_view propagationName(PropagationPolicy policy) {
  switch (policy) {
    case PropagationPolicy::Background:
      return "Background";
    case PropagationPolicy::Foreground:
      return "Foreground";
    case PropagationPolicy::Orphan:
      return "Orphan";
  }
  return "Background";
}

// The body of a 2xx answer; a non-JSON one is an error that quotes none of it.
Expected<nlohmann::json, ApiError> parseBody(const HttpResponse& response) {
  if (response.body.empty()) {
    return nlohmann::json();
  }
  nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    ApiError error;
    error.kind = ApiErrorKind::Unknown;
    error.code = static_cast<int>(response.status);
    error.message =
        "the server answered " + std::to_string(response.status) + " with a body that is not JSON";
    return Unexpected(std::move(error));
  }
  return parsed;
}

}  // namespace

RestClient::RestClient(Transport& transport, CredentialSource* credentials,
                       RestClientOptions options)
    : transport_(transport),
      credentials_(credentials),
      options_(std::move(options)),
      sleeper_(options_.sleeper != nullptr ? *options_.sleeper : threadSleeper_),
      limiter_(makeRequestLimiter(options_.qps, options_.burst,
                                  options_.clock != nullptr ? *options_.clock : systemClock_)) {}

void RestClient::observe(std::string_view method, std::string_view code) {
  if (options_.observer != nullptr) {
    options_.observer->observe(method, code, options_.host);
  }
}

void RestClient::waitForLimiter() {
  if (limiter_) {
    if (const auto wait = limiter_->reserve(); wait.count() > 0) {
      sleeper_.sleep(wait);
    }
  }
}

std::vector<std::string> RestClient::takeWarnings(const HttpResponse& response) {
  std::vector<std::string> texts;
  for (const std::string& text : warningTexts(response.headers)) {
    std::string shown = printable(text);
    if (options_.warningHandler) {
      options_.warningHandler(shown);
    }
    texts.push_back(std::move(shown));
  }
  return texts;
}

Expected<HttpRequest, ApiError> RestClient::prepare(const Call& call, std::uint64_t& generation) {
  HttpRequest request;
  request.method = call.method;
  request.pathAndQuery = call.pathAndQuery;
  request.body = call.body;
  request.contentType = std::string(call.contentType);
  request.headers.emplace_back("Accept", std::string(call.accept));
  if (credentials_ != nullptr) {
    auto token = credentials_->token();
    if (!token) {
      // Nothing was sent. The source's message names a file or a plugin, never a token.
      return Unexpected(transportError(TransportFailureKind::Other,
                                       "getting credentials: " + token.error().message));
    }
    generation = token->generation;
    if (!token->token.empty()) {
      request.headers.emplace_back("Authorization", "Bearer " + token->token);
    }
  }
  return request;
}

Expected<RestClient::Answer, ApiError> RestClient::execute(const Call& call) {
  int retries = 0;
  bool reauthenticated = false;
  auto retryAfter = [&](const ApiError& error, std::chrono::milliseconds delay) {
    ++retries;
    if (options_.retryLogger) {
      std::string line = "retrying " + call.method + " " + call.pathAndQuery + " (attempt " +
                         std::to_string(retries + 1) + ") in " + std::to_string(delay.count()) +
                         " ms after " + error.describe();
      if (isTooManyRequests(error) && !error.flowSchemaUid.empty()) {
        line += "; flowschema " + error.flowSchemaUid;  // §4.3: who throttled us
      }
      options_.retryLogger(line);
    }
    sleeper_.sleep(delay);
  };
  for (;;) {
    waitForLimiter();
    std::uint64_t generation = 0;
    COP_ASSIGN_OR_RETURN(request, prepare(call, generation));
    auto sent = transport_.send(request);
    if (!sent) {
      observe(call.method, kErrorCode);
      ApiError error = fromTransport(sent.error());
      // client-go request.go: only a GET that lost its connection is sent again ("as if
      // Retry-After: 1"); a write may have been applied, so it never is.
      if (call.isRead && error.kind == ApiErrorKind::ConnectionLost &&
          retries < options_.maxRetries) {
        retryAfter(error, std::chrono::milliseconds(kLostConnectionReadRetry));
        continue;
      }
      return Unexpected(std::move(error));
    }
    HttpResponse& response = *sent;
    observe(call.method, std::to_string(response.status));
    std::vector<std::string> warnings = takeWarnings(response);
    if (isSuccess(response.status)) {
      return Answer{std::move(response), std::move(warnings)};
    }
    ApiError error =
        apiErrorFromResponse(static_cast<int>(response.status), response.headers, response.body);
    if (response.status == kCodeUnauthorized && credentials_ != nullptr && !reauthenticated) {
      // §6.2/§6.3: drop the token that failed; retry once, and only with a different one.
      reauthenticated = true;
      credentials_->onUnauthorized(generation);
      auto fresh = credentials_->token();
      if (fresh && fresh->generation != generation) {
        continue;
      }
      return Unexpected(std::move(error));
    }
    if (mayRetryAfter(response.status) && error.retryAfter.has_value() &&
        retries < options_.maxRetries) {
      const auto delay = retryDelay(error, call.isRead, std::chrono::milliseconds(0));
      if (delay.has_value()) {
        retryAfter(error, *delay);
        continue;
      }
    }
    return Unexpected(std::move(error));
  }
}

ApiResult RestClient::executeForObject(const Call& call) {
  COP_ASSIGN_OR_RETURN(answer, execute(call));
  COP_ASSIGN_OR_RETURN(object, parseBody(answer.response));
  return ApiObject{std::move(object), std::move(answer.warnings)};
}

ApiResult RestClient::get(const ApiResource& resource, const std::string& nameSpace,
                          const std::string& name, const GetOptions& options) {
  if (auto error = checkObjectTarget(resource, nameSpace, name, "")) {
    return Unexpected(std::move(*error));
  }
  Call call;
  call.method = "GET";
  call.pathAndQuery = objectPath(resource, nameSpace, name);
  call.accept = options.metadataOnly ? kAcceptPartialObjectMetadata : kAcceptJson;
  call.isRead = true;
  return executeForObject(call);
}

Expected<ListPage, ApiError> RestClient::list(const ApiResource& resource,
                                              const std::string& nameSpace,
                                              const ListOptions& options) {
  if (auto error = checkNamespace(resource, nameSpace, false)) {
    return Unexpected(std::move(*error));
  }
  Query query;
  query.addIfSet("labelSelector", options.labelSelector)
      .addIfSet("fieldSelector", options.fieldSelector)
      .addIfSet("resourceVersion", options.resourceVersion)
      .addIfSet("continue", options.continueToken);
  if (options.limit > 0) {
    query.add("limit", std::to_string(options.limit));
  }
  Call call;
  call.method = "GET";
  call.pathAndQuery = collectionPath(resource, nameSpace) + query.encode();
  call.accept = options.metadataOnly ? kAcceptPartialObjectMetadataList : kAcceptJson;
  call.isRead = true;
  COP_ASSIGN_OR_RETURN(answer, execute(call));
  COP_ASSIGN_OR_RETURN(document, parseBody(answer.response));

  ListPage page;
  page.warnings = std::move(answer.warnings);
  if (const nlohmann::json* metadata = objectAt(document, "metadata")) {
    page.resourceVersion = stringAt(*metadata, "resourceVersion");
    page.continueToken = stringAt(*metadata, "continue");
  }
  nlohmann::json* items = nullptr;
  if (document.is_object()) {
    const auto found = document.find("items");
    if (found != document.end() && found->is_array()) {
      items = &*found;
    }
  }
  if (items != nullptr) {
    const std::string apiVersion = resource.groupVersion();
    page.items.reserve(items->size());
    for (nlohmann::json& item : *items) {
      if (!item.is_object()) {
        continue;
      }
      // The server leaves apiVersion and kind out of list items (they are the list's, minus
      // "List"); a consumer of one item needs them.
      item["apiVersion"] = apiVersion;
      item["kind"] = resource.kind;
      page.items.push_back(std::move(item));
    }
  }
  return page;
}

ApiResult RestClient::create(const ApiResource& resource, const std::string& nameSpace,
                             const nlohmann::json& object) {
  if (auto error = checkNamespace(resource, nameSpace, true)) {
    return Unexpected(std::move(*error));
  }
  return executeForObject({.method = "POST",
                           .pathAndQuery = collectionPath(resource, nameSpace),
                           .body = object.dump(),
                           .contentType = kContentTypeJson});
}

ApiResult RestClient::update(const ApiResource& resource, const std::string& nameSpace,
                             const nlohmann::json& object, const std::string& subresource) {
  const std::string name = metadataName(object);
  if (auto error = checkObjectTarget(resource, nameSpace, name, subresource)) {
    return Unexpected(std::move(*error));
  }
  return executeForObject({.method = "PUT",
                           .pathAndQuery = objectPath(resource, nameSpace, name, subresource),
                           .body = object.dump(),
                           .contentType = kContentTypeJson});
}

ApiResult RestClient::mergePatch(const ApiResource& resource, const std::string& nameSpace,
                                 const std::string& name, const nlohmann::json& patch,
                                 const std::string& subresource) {
  if (auto error = checkObjectTarget(resource, nameSpace, name, subresource)) {
    return Unexpected(std::move(*error));
  }
  return executeForObject({.method = "PATCH",
                           .pathAndQuery = objectPath(resource, nameSpace, name, subresource),
                           .body = patch.dump(),
                           .contentType = kContentTypeMergePatch});
}

ApiResult RestClient::apply(const ApiResource& resource, const std::string& nameSpace,
                            const nlohmann::json& object, const ApplyOptions& options,
                            const std::string& subresource) {
  if (auto error = checkNamespace(resource, nameSpace, true)) {
    return Unexpected(std::move(*error));
  }
  if (auto error = checkFieldManager(options.fieldManager)) {
    return Unexpected(std::move(*error));
  }
  if (stringAt(object, "apiVersion").empty() || stringAt(object, "kind").empty()) {
    return Unexpected(badRequest("an applied object needs apiVersion and kind"));
  }
  if (auto error = checkObjectTarget(resource, nameSpace, metadataName(object), subresource)) {
    return Unexpected(std::move(*error));
  }
  const std::string name = metadataName(object);
  // §3.1: the server refuses an apply that carries managedFields ("must be nil").
  nlohmann::json intent = object;
  intent["metadata"].erase("managedFields");

  Query query;
  query.add("fieldManager", options.fieldManager);
  if (options.force) {
    query.add("force", kTrue);
  }
  if (options.dryRun) {
    query.add("dryRun", kDryRunAll);
  }
  return executeForObject(
      {.method = "PATCH",
       .pathAndQuery = objectPath(resource, nameSpace, name, subresource) + query.encode(),
       .body = intent.dump(),  // JSON is YAML (§3.1)
       .contentType = kContentTypeApplyPatch});
}

ApiResult RestClient::remove(const ApiResource& resource, const std::string& nameSpace,
                             const std::string& name, const DeleteOptions& options) {
  if (auto error = checkObjectTarget(resource, nameSpace, name, "")) {
    return Unexpected(std::move(*error));
  }
  nlohmann::json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (options.propagation.has_value()) {
    body["propagationPolicy"] = propagationName(*options.propagation);
  }
  if (!options.preconditionUid.empty()) {
    body["preconditions"] = {{"uid", options.preconditionUid}};
  }
  return executeForObject({.method = "DELETE",
                           .pathAndQuery = objectPath(resource, nameSpace, name),
                           .body = body.dump(),
                           .contentType = kContentTypeJson});
}

WatchResult RestClient::watch(const ApiResource& resource, const std::string& nameSpace,
                              const WatchOptions& options, const WatchHandler& onEvent) {
  if (auto error = checkNamespace(resource, nameSpace, false)) {
    return Unexpected(std::move(*error));
  }
  if (options.stop.stop_requested()) {
    return WatchEnd::Stopped;
  }
  Query query;
  query.add("watch", "1");
  if (options.allowWatchBookmarks) {
    query.add("allowWatchBookmarks", kTrue);
  }
  if (options.timeoutSeconds > 0) {
    query.add("timeoutSeconds", std::to_string(options.timeoutSeconds));
  }
  query.addIfSet("resourceVersion", options.resourceVersion);
  if (options.sendInitialEvents) {
    // §1.1: on a watch, resourceVersionMatch is allowed only with sendInitialEvents.
    query.add("resourceVersionMatch", kNotOlderThan).add("sendInitialEvents", kTrue);
  }
  query.addIfSet("labelSelector", options.labelSelector)
      .addIfSet("fieldSelector", options.fieldSelector);
  Call call;
  call.method = "GET";
  call.pathAndQuery = collectionPath(resource, nameSpace) + query.encode();
  call.accept = options.metadataOnly ? kAcceptPartialObjectMetadata : kAcceptJson;
  call.isRead = true;

  bool reauthenticated = false;
  for (;;) {
    waitForLimiter();
    std::uint64_t generation = 0;
    COP_ASSIGN_OR_RETURN(request, prepare(call, generation));
    request.stop = options.stop;

    WatchDecoder decoder;
    std::vector<WatchEvent> events;
    bool started = false;
    bool handlerStopped = false;
    bool decodeFailed = false;
    const BodyChunkHandler onChunk = [&](std::string_view chunk) {
      started = true;
      if (options.stop.stop_requested()) {
        return false;
      }
      events.clear();
      decodeFailed = !decoder.feed(chunk, events).has_value();
      for (WatchEvent& event : events) {  // those completed before a bad line still count
        if (!onEvent(event)) {
          handlerStopped = true;
          return false;
        }
      }
      return !decodeFailed;
    };
    auto streamed = transport_.stream(request, onChunk);
    if (!streamed) {
      // Bytes came only after a 2xx; before any, we cannot tell a refused start from a dead
      // 200 and report the failure as a watch that did not start.
      observe(call.method, started ? std::string_view("200") : kErrorCode);
      if (handlerStopped || options.stop.stop_requested()) {
        return WatchEnd::Stopped;
      }
      if (started || decodeFailed) {
        return WatchEnd::Broken;
      }
      return Unexpected(fromTransport(streamed.error()));
    }
    HttpResponse& response = *streamed;
    observe(call.method, std::to_string(response.status));
    takeWarnings(response);
    if (isSuccess(response.status)) {
      if (options.stop.stop_requested()) {
        return WatchEnd::Stopped;
      }
      // EOF inside an event is a broken stream (§1.2); at a boundary the server ended it.
      return decoder.finish().has_value() ? WatchEnd::Closed : WatchEnd::Broken;
    }
    ApiError error =
        apiErrorFromResponse(static_cast<int>(response.status), response.headers, response.body);
    if (response.status == kCodeUnauthorized && credentials_ != nullptr && !reauthenticated) {
      reauthenticated = true;
      credentials_->onUnauthorized(generation);
      auto fresh = credentials_->token();
      if (fresh && fresh->generation != generation) {
        continue;
      }
    }
    return Unexpected(std::move(error));
  }
}

Expected<std::string, ApiError> RestClient::getRaw(const std::string& path,
                                                   std::string_view accept) {
  // Only a path: a query or fragment would bypass Query's encoding, and a space or control
  // character would make a malformed request line.
  const bool bad =
      path.empty() || path.front() != '/' || std::any_of(path.begin(), path.end(), [](char raw) {
        const auto c = static_cast<unsigned char>(raw);
        return c <= 0x20 || c == 0x7F || c == '?' || c == '#';
      });
  if (bad) {
    return Unexpected(badRequest("a raw GET needs an absolute path without query or fragment"));
  }
  Call call;
  call.method = "GET";
  call.pathAndQuery = path;
  call.accept = accept;
  call.isRead = true;
  COP_ASSIGN_OR_RETURN(answer, execute(call));
  return std::move(answer.response.body);
}

Expected<ListPage, ApiError> listAll(ApiClient& client, const ApiResource& resource,
                                     const std::string& nameSpace, ListOptions options) {
  ListPage all;
  for (;;) {
    COP_ASSIGN_OR_RETURN(page, client.list(resource, nameSpace, options));
    for (nlohmann::json& item : page.items) {
      all.items.push_back(std::move(item));
    }
    for (std::string& warning : page.warnings) {
      all.warnings.push_back(std::move(warning));
    }
    all.resourceVersion = std::move(page.resourceVersion);
    if (page.continueToken.empty()) {
      return all;
    }
    // The token holds the snapshot's resourceVersion; the API refuses both together
    // ("specifying resource version is not allowed when using continue").
    options.continueToken = std::move(page.continueToken);
    options.resourceVersion.clear();
  }
}

std::string serverHost(std::string_view server) {
  const auto scheme = server.find("://");
  if (scheme != std::string_view::npos) {
    server.remove_prefix(scheme + 3);
  }
  const auto slash = server.find('/');
  if (slash != std::string_view::npos) {
    server = server.substr(0, slash);
  }
  return std::string(server);
}

Result<RestClientStack> makeRestClient(const CurlGlobal& global, const RestConfig& config,
                                       const CredentialContext& context, RestClientOptions options,
                                       CurlTransportOptions transportOptions) {
  RestClientStack stack;
  COP_ASSIGN_OR_RETURN(credentials, credentialSourceFor(config, context));
  stack.credentials = std::move(credentials);
  // The transport would put config.bearerToken into its own Authorization header on every
  // request, beside ours and never refreshed: it gets none of the token settings.
  RestConfig transportConfig = config;
  transportConfig.bearerToken.clear();
  transportConfig.tokenFile.clear();
  transportConfig.exec.reset();
  auto transport = CurlMultiTransport::create(global, std::move(transportConfig), transportOptions);
  if (!transport) {
    return fail("the transport for " + config.source + ": " + transport.error().message);
  }
  stack.transport = std::move(transport).value();
  if (options.host.empty()) {
    options.host = serverHost(config.server);
  }
  stack.client =
      std::make_unique<RestClient>(*stack.transport, stack.credentials.get(), std::move(options));
  return stack;
}

}  // namespace cop::client
