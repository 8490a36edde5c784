#pragma once

// What goes over a Transport: a request (method, path and query, headers, body) and a response
// (status, every header with repeats kept, body), plus what the connection did, so tests and
// metrics can check HTTP/2 and connection reuse (kube-runtime.md §6.5, checklist §10.18).

#include <chrono>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "operator/client/response_headers.h"

namespace cop::client {

// Response headers in arrival order, a name possibly repeated (Warning, kube-runtime.md §4.2);
// the transport stores the names lower-case.
using HttpHeaderList = ResponseHeaders;

struct HttpRequest {
  std::string method = "GET";
  std::string pathAndQuery;  // "/api/v1/namespaces/x?timeoutSeconds=300", already escaped
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Accept
  std::string body;
  std::string contentType;  // sent when the body is not empty
  // The whole request's deadline; zero means the transport's default for a unary request and
  // none for a stream (kube-runtime.md §6.6: never a timeout on watches).
  std::chrono::milliseconds timeout{0};
  // Cancels the request or stream: the transport gives up within about a second of a stop
  // request, even when no byte arrives (libcurl's progress callback runs about once a second
  // while idle), and fails with kAborted. Shutdown must not wait for a watch's next byte.
  std::stop_token stop;
};

struct HttpResponse {
  long status = 0;
  HttpHeaderList headers;
  std::string body;  // for a stream: only when the status is not 2xx (a Status object)
  // 2 for HTTP/2, 11 for HTTP/1.1, 10 for HTTP/1.0 (CURLINFO_HTTP_VERSION).
  int httpVersion = 0;
  // New connections this request opened: 0 when it reused one (CURLINFO_NUM_CONNECTS).
  long newConnections = 0;
};

enum class TransportFailure {
  kConnect,         // DNS, refused, unreachable, proxy
  kConnectionLost,  // reset, closed mid-response, HTTP/2 stream or GOAWAY error
  kTls,             // handshake, peer verification, client certificate
  kTimeout,         // the request deadline or the stall guard
  kAborted,         // the stream callback or the request's stop token asked to stop
  kInvalid,         // a request or configuration the transport cannot send
  kOther,           // everything else libcurl reports (connection reset, HTTP/2 stream error, ...)
};

struct TransportError {
  TransportFailure kind = TransportFailure::kOther;
  // libcurl's description; never holds a header, token, key or certificate.
  std::string message;
};

}  // namespace cop::client
