#pragma once

// RestClient: the ApiClient (api_client.h) over a Transport (issue 7 item 2; kube-runtime.md §1,
// §3.1, §4, §6.2-6.3, §8). It builds each request's path and query (resource_path.h), adds
// the bearer token from a CredentialSource to the Authorization header only, checks what it
// can before sending (a namespaced call without a namespace, a name that is not a path
// segment, a bad field manager: BadRequest, nothing sent), retries as client-go's
// rest/with_retry.go does, and turns every answer into an object or a typed ApiError.
//
// Retries (§4.1): a 429 or 5xx answer carrying Retry-After (header or
// details.retryAfterSeconds) is sent again after retryDelay() (capped at kMaxRetryAfter), at
// most maxRetries times; a read (GET, LIST) that lost its connection is sent again after 1 s
// (client-go: "as if Retry-After: 1"); a write is never sent again after a transport failure,
// since it may have been applied. A 401 drops the token that was sent and the request is sent
// once more with a fresh one (§6.2, §6.3), never twice. Watches are not retried (except the
// 401): the reflector owns their back-off (§1.7).
//
// Thread-safe: any number of threads may call it.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "operator/client/api_client.h"
#include "operator/client/clock.h"
#include "operator/client/credential_source.h"
#include "operator/client/curl_handles.h"
#include "operator/client/curl_transport.h"
#include "operator/client/request_limiter.h"
#include "operator/client/transport.h"

namespace cop::client {

// Counts every HTTP attempt (rest_client_requests_total, kube-runtime.md §7; rest_metrics.h).
class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  // `method` "GET", "PUT", ...; `code` the HTTP status as a decimal string, or kErrorCode
  // when no response came; `host` the server's host[:port] (client-go rest/request.go:
  // metrics.RequestResult.Increment(ctx, code, method, host)).
  virtual void observe(std::string_view method, std::string_view code, std::string_view host) = 0;
};

// client-go rest/request.go: the code label of a request that got no response.
inline constexpr std::string_view kErrorCode = "<error>";

// client-go rest/request.go NewRequest: maxRetries 10 (retries, so up to 11 attempts).
inline constexpr int kDefaultMaxRetries = 10;

// Accept headers (kube-runtime.md §8; client-go metadata/metadata.go).
inline constexpr std::string_view kAcceptJson = "application/json";
inline constexpr std::string_view kAcceptPartialObjectMetadata =
    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
inline constexpr std::string_view kAcceptPartialObjectMetadataList =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
// Request bodies (kube-runtime.md §3.1; apimachinery types.go PatchType).
inline constexpr std::string_view kContentTypeJson = "application/json";
inline constexpr std::string_view kContentTypeMergePatch = "application/merge-patch+json";
inline constexpr std::string_view kContentTypeApplyPatch = "application/apply-patch+yaml";
// apimachinery validation.go ValidateFieldManager: at most 128 characters.
inline constexpr std::size_t kMaxFieldManagerLength = 128;

// Called before each retry with a one-line description (no token, no body): the method, the
// path, the attempt, the wait, the answer and, for a 429, the FlowSchema UID (client-go
// with_retry.go getRetryReason logs it, §4.3). Leave empty to log nothing.
using RetryLogger = std::function<void(std::string_view line)>;

struct RestClientOptions {
  // Receives every Warning header's text, printable, on success and on failure (§4.2).
  std::function<void(std::string_view)> warningHandler;
  RequestObserver* observer = nullptr;  // not owned; null: nothing counted
  std::string host;                     // the observer's host label
  // Client-side token bucket (§4.4); qps <= 0: none.
  double qps = kDefaultQps;
  int burst = kDefaultBurst;
  int maxRetries = kDefaultMaxRetries;
  Sleeper* sleeper = nullptr;    // not owned; null: the thread sleeps
  const Clock* clock = nullptr;  // not owned; the limiter's clock; null: the system clock
  RetryLogger retryLogger;
};

class RestClient final : public ApiClient {
 public:
  // `transport` and `credentials` (null: send no token) must outlive the client.
  RestClient(Transport& transport, CredentialSource* credentials, RestClientOptions options = {});

  // ApiClient
  ApiResult get(const ApiResource& resource, const std::string& nameSpace, const std::string& name,
                const GetOptions& options = {}) override;
  Expected<ListPage, ApiError> list(const ApiResource& resource, const std::string& nameSpace,
                                    const ListOptions& options = {}) override;
  ApiResult create(const ApiResource& resource, const std::string& nameSpace,
                   const nlohmann::json& object) override;
  ApiResult update(const ApiResource& resource, const std::string& nameSpace,
                   const nlohmann::json& object, const std::string& subresource = "") override;
  ApiResult mergePatch(const ApiResource& resource, const std::string& nameSpace,
                       const std::string& name, const nlohmann::json& patch,
                       const std::string& subresource = "") override;
  ApiResult apply(const ApiResource& resource, const std::string& nameSpace,
                  const nlohmann::json& object, const ApplyOptions& options,
                  const std::string& subresource = "") override;
  ApiResult remove(const ApiResource& resource, const std::string& nameSpace,
                   const std::string& name, const DeleteOptions& options = {}) override;
  WatchResult watch(const ApiResource& resource, const std::string& nameSpace,
                    const WatchOptions& options, const WatchHandler& onEvent) override;

  // GET of a path that names no resource (discovery: /api, /apis, /apis/apps/v1) with the same
  // token, retries, warnings and metrics as get(): the 2xx body, unparsed, for the caller to
  // read by its kind. `path` must be absolute, printable, without spaces, query or fragment
  // (BadRequest, nothing sent).
  Expected<std::string, ApiError> getRaw(const std::string& path,
                                         std::string_view accept = kAcceptJson);

 private:
  struct Call;
  struct Answer;

  // Sends `call` with the retries above; a 2xx answer, or the error.
  Expected<Answer, ApiError> execute(const Call& call);
  ApiResult executeForObject(const Call& call);
  // One attempt's request, with the token (and its generation) when there is a source.
  Expected<HttpRequest, ApiError> prepare(const Call& call, std::uint64_t& generation);
  std::vector<std::string> takeWarnings(const HttpResponse& response);
  void observe(std::string_view method, std::string_view code);
  void waitForLimiter();

  Transport& transport_;
  CredentialSource* credentials_;
  RestClientOptions options_;
  SystemClock systemClock_;
  ThreadSleeper threadSleeper_;
  Sleeper& sleeper_;
  std::unique_ptr<RequestLimiter> limiter_;
};

// Every page of a LIST, following continue tokens (kube-runtime.md §1.4): all items, the last
// page's resourceVersion, every page's warnings. An expired continue token (410) returns that
// Expired error: the caller relists from the start (client-go pager falls back to a full list;
// the reflector relists, §1.7).
Expected<ListPage, ApiError> listAll(ApiClient& client, const ApiResource& resource,
                                     const std::string& nameSpace, ListOptions options = {});

// The host[:port] of a server URL ("https://10.0.0.1:6443/" -> "10.0.0.1:6443"): the
// observer's host label.
std::string serverHost(std::string_view server);

// A RestClient with its transport (a CurlMultiTransport: every request and watch on one HTTP/2
// connection, checklist §10.18) and CredentialSource, destroyed client first.
struct RestClientStack {
  std::unique_ptr<Transport> transport;
  std::unique_ptr<CredentialSource> credentials;
  std::unique_ptr<RestClient> client;
};

// Builds the stack for `config`. The transport gets a copy of the config with bearerToken
// cleared (it would otherwise add its own Authorization header, curl_request_setup.cc), and the
// token comes from credentialSourceFor(config, context) on every request instead. Sets
// options.host from config.server when empty. `global` and everything `context` refers to
// must outlive the stack.
Result<RestClientStack> makeRestClient(const CurlGlobal& global, const RestConfig& config,
                                       const CredentialContext& context,
                                       RestClientOptions options = {},
                                       CurlTransportOptions transportOptions = {});

}  // namespace cop::client
