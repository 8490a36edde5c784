#pragma once

// The libcurl Transport for one API server, built from a RestConfig (kube-runtime.md §6.4-6.6):
// TLS material passed as PEM blobs (never temporary files), the peer verified unless the
// kubeconfig says insecure-skip-tls-verify, HTTP/2 over TLS by ALPN, TCP keepalive and
// TCP_USER_TIMEOUT for dead peers, and connection reuse.
//
// Connection reuse: libcurl keeps connections in the easy handle that made them, so finished
// handles go back to a small pool and the next request takes the most recently used one (its
// connection is warm). Requests run with curl_easy_perform on the caller's thread, so requests
// made at the same time use different connections; multiplexing every stream of the process
// onto one HTTP/2 connection needs one CURLM driving all transfers (§6.6 table), which is the
// next step for watches. Thread-safe: any number of threads may call send and stream.

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

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
  std::size_t maxIdleHandles = kMaxIdleHandles;
};

class CurlTransport final : public Transport {
 public:
  // `global` must outlive the transport. Fails (kInvalid) on a configuration it cannot honour:
  // a server that is not http(s)://, a client certificate without its key or the reverse, a
  // tls-server-name (needs CURLOPT_CONNECT_TO, not done yet), a libcurl without TLS or HTTP/2.
  static Expected<std::unique_ptr<CurlTransport>, TransportError> create(
      const CurlGlobal& global, RestConfig config, CurlTransportOptions options = {});

  // Transport
  TransportResult send(const HttpRequest& request) override;
  TransportResult stream(const HttpRequest& request, const BodyChunkHandler& onChunk) override;

 private:
  CurlTransport(RestConfig config, CurlTransportOptions options);
  TransportResult perform(const HttpRequest& request, const BodyChunkHandler* onChunk);
  CurlEasy acquire();
  void release(CurlEasy handle);

  RestConfig config_;
  std::string baseUrl_;  // server without a trailing '/'
  CurlTransportOptions options_;
  SocketTuning tuning_;
  std::mutex mutex_;
  std::vector<CurlEasy> idle_;  // most recently used last
};

}  // namespace cop::client
