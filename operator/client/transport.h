#pragma once

// The client's only window on the network. The REST client, the reflector and leader election
// talk to a Transport; the operator gives them CurlTransport (curl_transport.h), tests may give
// them their own.

#include <functional>
#include <string_view>

#include "operator/client/http_message.h"
#include "operator/common/result.h"

namespace cop::client {

using TransportResult = Expected<HttpResponse, TransportError>;

// Receives a stream's body as it arrives, in pieces of any size (libcurl: at most 16 KiB).
// Return false to stop the stream (the call then fails with kAborted). It must not block for
// long: it runs on the transfer's thread (kube-runtime.md §6.6: buffer, don't pause).
using BodyChunkHandler = std::function<bool(std::string_view chunk)>;

class Transport {
 public:
  virtual ~Transport() = default;
  // A request whose whole response body is returned. Any HTTP status is a value; only a
  // failure to get a response is an error.
  virtual TransportResult send(const HttpRequest& request) = 0;
  // A long-lived request (a watch): a 2xx body goes to `onChunk`, piece by piece; any other
  // status's body is collected into the response (the Status object). Returns when the server
  // ends the stream, the connection fails, or `onChunk` returns false.
  virtual TransportResult stream(const HttpRequest& request, const BodyChunkHandler& onChunk) = 0;
};

}  // namespace cop::client
