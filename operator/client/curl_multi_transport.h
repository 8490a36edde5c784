#pragma once

// The libcurl Transport that multiplexes every request and watch of the process onto one HTTP/2
// connection per API server, as client-go does (kube-runtime.md §6.5; checklist §10.18: at most
// ⌈concurrent streams / 100⌉ connections).
//
// One CURLM, driven by one thread of its own with curl_multi_poll, holds every transfer; a
// caller of send or stream hands its transfer over, wakes the thread (curl_multi_wakeup) and
// blocks until the transfer ends. CURLMOPT_PIPELINING = CURLPIPE_MULTIPLEX and CURLOPT_PIPEWAIT
// on every handle make N transfers started together wait for the first connection's ALPN and
// then share it; at 100 streams (the apiserver's default, §6.5) libcurl opens another
// connection. Per-request options are CurlTransport's (curl_request_setup.h).
//
// A stream's BodyChunkHandler runs ON THE MULTI THREAD, which serves every other transfer too:
// it must not block (decode and update a store, no I/O, no waiting on a lock held across I/O),
// or every request and watch of the process stalls with it. A handler returning false, or the
// request's stop token, ends that transfer alone (kAborted); on HTTP/2 only its stream is reset.
//
// Thread-safe: any number of threads may call send and stream at once. Destroying the transport
// ends every transfer in flight (their callers get kAborted) and joins the thread; callers must
// not start a call once destruction has begun.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "operator/client/curl_handles.h"
#include "operator/client/curl_request_setup.h"
#include "operator/client/rest_config.h"
#include "operator/client/transport.h"

namespace cop::client {

// kube-apiserver --http2-max-streams-per-connection defaults to 100 (kube-runtime.md §6.5);
// libcurl's own default is the same (§6.6). At this many streams libcurl opens a new connection.
inline constexpr long kMaxConcurrentStreams = 100;

struct CurlMultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
using CurlMulti = std::unique_ptr<CURLM, CurlMultiDeleter>;

class CurlMultiTransport final : public Transport {
 public:
  // `global` must outlive the transport. Fails (kInvalid) on a configuration it cannot honour
  // (makeCurlEndpoint) or when libcurl cannot make the multi handle.
  static Expected<std::unique_ptr<CurlMultiTransport>, TransportError> create(
      const CurlGlobal& global, RestConfig config, CurlTransportOptions options = {});
  ~CurlMultiTransport() override;
  CurlMultiTransport(const CurlMultiTransport&) = delete;
  CurlMultiTransport& operator=(const CurlMultiTransport&) = delete;

  // Transport
  TransportResult send(const HttpRequest& request) override;
  TransportResult stream(const HttpRequest& request, const BodyChunkHandler& onChunk) override;

  // Transfers handed over and not finished yet (for tests and metrics).
  std::size_t transfersInFlight() const;

 private:
  struct Job;
  CurlMultiTransport(CurlEndpoint endpoint, CurlMulti multi);
  TransportResult perform(const HttpRequest& request, const BodyChunkHandler* onChunk);
  void cancel(std::uint64_t id);
  void run();
  void finish(Job* job, TransportResult result);

  CurlEndpoint endpoint_;
  CurlMulti multi_;  // used by the multi thread only, after construction (wakeup excepted)
  mutable std::mutex mutex_;
  // Guarded by mutex_: handed over, not yet added; asked to stop; shutting down; in flight.
  std::vector<Job*> submitted_;
  std::vector<std::uint64_t> cancelled_;
  bool stopping_ = false;
  std::size_t inFlight_ = 0;
  std::uint64_t nextId_ = 1;
  // Callers inside send or stream; the destructor waits for them to leave, so a caller's stop
  // callback never reaches a destroyed transport.
  std::size_t callers_ = 0;
  std::condition_variable callersGone_;
  std::thread thread_;  // last: starts after every member above exists
};

}  // namespace cop::client
