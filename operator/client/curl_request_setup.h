#pragma once

// What CurlTransport (one easy handle per caller, curl_easy_perform) and CurlMultiTransport (one
// CURLM for every transfer) share: the options, the checks on a RestConfig, the setting of one
// request's libcurl options and the reading of its outcome. One copy, so the two transports
// cannot drift apart on TLS, timeouts or dead-peer detection (kube-runtime.md §6.4-6.6).

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <stop_token>
#include <string>

#include "operator/client/curl_handles.h"
#include "operator/client/rest_config.h"
#include "operator/client/socket_options.h"
#include "operator/client/transport.h"

namespace cop::client {

// client-go transport/cache.go: dial timeout 30 s.
inline constexpr std::chrono::milliseconds kConnectTimeout{30'000};
// client-go transport/cache.go: TCP keepalive 30 s (idle time and probe interval).
inline constexpr std::chrono::seconds kTcpKeepalive{30};
// kube-runtime.md §6.6: TCP_USER_TIMEOUT ≈ client-go's HTTP/2 ReadIdleTimeout 30 s + PingTimeout
// 15 s, so unacknowledged data on a dead connection fails it within 45 s.
inline constexpr std::chrono::milliseconds kTcpUserTimeout{45'000};
// Our own bound, not a client-go rule (rest.Config.Timeout defaults to none): a unary request
// that takes longer than this has failed. Streams have no deadline (§6.6).
inline constexpr std::chrono::milliseconds kUnaryRequestTimeout{60'000};
// kube-runtime.md §6.6 "idle watch detection": a stream with no byte for 120 s (bookmarks come
// about every minute) is dead; libcurl aborts it below 1 byte/s for that long.
inline constexpr std::chrono::seconds kStreamStallTimeout{120};
// kube-apiserver closes an idle HTTP/2 connection after 90 s (§6.5); never reuse one idle for
// longer than this, so a request does not race the server's close (libcurl's default is 118 s).
inline constexpr std::chrono::seconds kMaxConnectionIdle{85};
// client-go transport/cache.go: 25 idle connections per host.
inline constexpr std::size_t kMaxIdleHandles = 25;
// client-go's default User-Agent is "<binary>/<version> (<os>/<arch>) kubernetes/<commit>".
inline constexpr const char* kDefaultUserAgent = "compose-operator/0.1.0 (linux) libcurl";

struct CurlTransportOptions {
  std::string userAgent = kDefaultUserAgent;
  bool disableHttp2 = false;  // client-go's DISABLE_HTTP2 (§6.5)
  std::chrono::milliseconds connectTimeout = kConnectTimeout;
  std::chrono::seconds tcpKeepalive = kTcpKeepalive;
  std::chrono::milliseconds tcpUserTimeout = kTcpUserTimeout;
  std::chrono::milliseconds unaryRequestTimeout = kUnaryRequestTimeout;
  std::chrono::seconds streamStallTimeout = kStreamStallTimeout;
  std::chrono::seconds maxConnectionIdle = kMaxConnectionIdle;
  std::size_t maxIdleHandles = kMaxIdleHandles;  // CurlTransport's handle pool only
};

// One API server as a transport sees it: the checked config and what every transfer points to.
// libcurl keeps a pointer to `tuning` (CURLOPT_SOCKOPTDATA), so an endpoint must not move while
// a transfer runs: a transport holds it as a member and is itself never moved.
struct CurlEndpoint {
  RestConfig config;
  std::string baseUrl;  // server without a trailing '/'
  CurlTransportOptions options;
  SocketTuning tuning;
};

// Fails (kInvalid) on a configuration a transport cannot honour: a server that is not
// http(s)://, a client certificate without its key or the reverse, a tls-server-name (needs
// CURLOPT_CONNECT_TO, not done yet), a libcurl without TLS or HTTP/2.
Expected<CurlEndpoint, TransportError> makeCurlEndpoint(const CurlGlobal& global, RestConfig config,
                                                        CurlTransportOptions options);

// One transfer's state: what the callbacks share and everything libcurl points into while the
// transfer runs (header list, error buffer, URL). Neither copied nor moved for that reason.
struct CurlTransfer {
  CurlTransfer() = default;
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  std::string what;  // "GET /path", for messages
  CURL* easy = nullptr;
  const BodyChunkHandler* onChunk = nullptr;  // null: collect the body
  std::stop_token stop;                       // the request's; never stoppable when unset
  bool aborted = false;                       // the receiver or a stop request ended it
  HttpResponse response;
  CurlHeaderList headers;
  std::string url;
  char errorText[CURL_ERROR_SIZE] = {};
};

// Checks `request` (kInvalid) and whether its stop token already fired (kAborted); fills
// transfer.what either way.
std::optional<TransportError> checkRequest(const HttpRequest& request, CurlTransfer& transfer);

// Sets every option of `request` on `easy` (which must be fresh or curl_easy_reset): URL,
// headers with the endpoint's token, method and body, HTTP/2 by ALPN with CURLOPT_PIPEWAIT,
// TLS blobs and verification, the unary deadline or the stream's stall guard, keepalive and
// TCP_USER_TIMEOUT, MAXAGE_CONN, proxy and user agent. `request` and `onChunk` must outlive the
// transfer (the body is not copied). kInvalid when libcurl refuses an option.
std::optional<TransportError> setupTransfer(CURL* easy, CurlEndpoint& endpoint,
                                            const HttpRequest& request,
                                            const BodyChunkHandler* onChunk,
                                            CurlTransfer& transfer);

// The outcome of a finished transfer (`code` from curl_easy_perform or CURLMSG_DONE): status,
// HTTP version and new connections read from the handle, or the classified failure. Detaches
// the header list and error buffer from the handle, so the handle may be reused or freed.
TransportResult finishTransfer(CURLcode code, CurlTransfer& transfer);

}  // namespace cop::client
