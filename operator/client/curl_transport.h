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
// onto one HTTP/2 connection needs one CURLM driving all transfers (§6.6 table): that is
// CurlMultiTransport (curl_multi_transport.h); the options of a request are set by the same
// code for both (curl_request_setup.h). Thread-safe: any number of threads may call send and
// stream.

#include <memory>
#include <mutex>
#include <vector>

#include "operator/client/curl_handles.h"
#include "operator/client/curl_request_setup.h"
#include "operator/client/rest_config.h"
#include "operator/client/transport.h"

namespace cop::client {

class CurlTransport final : public Transport {
 public:
  // `global` must outlive the transport. Fails (kInvalid) on a configuration it cannot honour
  // (makeCurlEndpoint).
  static Expected<std::unique_ptr<CurlTransport>, TransportError> create(
      const CurlGlobal& global, RestConfig config, CurlTransportOptions options = {});

  // Transport
  TransportResult send(const HttpRequest& request) override;
  TransportResult stream(const HttpRequest& request, const BodyChunkHandler& onChunk) override;

 private:
  explicit CurlTransport(CurlEndpoint endpoint);
  TransportResult perform(const HttpRequest& request, const BodyChunkHandler* onChunk);
  CurlEasy acquire();
  void release(CurlEasy handle);

  CurlEndpoint endpoint_;
  std::mutex mutex_;
  std::vector<CurlEasy> idle_;  // most recently used last
};

}  // namespace cop::client
