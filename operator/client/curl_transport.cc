#include "operator/client/curl_transport.h"

#include <utility>

namespace cop::client {

Expected<std::unique_ptr<CurlTransport>, TransportError> CurlTransport::create(
    const CurlGlobal& global, RestConfig config, CurlTransportOptions options) {
  auto endpoint = makeCurlEndpoint(global, std::move(config), std::move(options));
  if (!endpoint) {
    return Unexpected(std::move(endpoint).error());
  }
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(endpoint).value()));
}

CurlTransport::CurlTransport(CurlEndpoint endpoint) : endpoint_(std::move(endpoint)) {}

TransportResult CurlTransport::send(const HttpRequest& request) {
  return perform(request, nullptr);
}

TransportResult CurlTransport::stream(const HttpRequest& request, const BodyChunkHandler& onChunk) {
  return perform(request, &onChunk);
}

CurlEasy CurlTransport::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      CurlEasy handle = std::move(idle_.back());
      idle_.pop_back();
      return handle;
    }
  }
  return makeCurlEasy();
}

void CurlTransport::release(CurlEasy handle) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < endpoint_.options.maxIdleHandles) {
    idle_.push_back(std::move(handle));
  }  // else: the handle and its connections close here
}

TransportResult CurlTransport::perform(const HttpRequest& request,
                                       const BodyChunkHandler* onChunk) {
  CurlTransfer transfer;
  if (auto refused = checkRequest(request, transfer)) {
    return Unexpected(std::move(*refused));
  }
  CurlEasy handle = acquire();
  if (!handle) {
    return Unexpected(
        TransportError{TransportFailure::kInvalid, transfer.what + ": libcurl is out of memory"});
  }
  // Forget the previous request's options; the connection cache stays (curl_easy_reset(3)).
  curl_easy_reset(handle.get());
  if (auto refused = setupTransfer(handle.get(), endpoint_, request, onChunk, transfer)) {
    release(std::move(handle));
    return Unexpected(std::move(*refused));
  }
  const CURLcode code = curl_easy_perform(handle.get());
  TransportResult result = finishTransfer(code, transfer);
  release(std::move(handle));
  return result;
}

}  // namespace cop::client
