#include "operator/client/curl_multi_transport.h"

#include <sys/socket.h>

#include <chrono>
#include <future>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <utility>

namespace cop::client {

namespace {

// curl_multi_poll waits at most this long, and less when libcurl has a timer due. Submissions,
// cancellations and shutdown wake it at once (curl_multi_wakeup), so this bound only matters if
// a wakeup were ever lost; kube-runtime.md §6.6's stop-within-a-second promise (http_message.h)
// holds either way.
constexpr int kPollTimeoutMs = 1'000;

TransportError aborted(const std::string& what, const char* why) {
  return TransportError{TransportFailure::kAborted, what + why};
}

}  // namespace

// One transfer handed to the multi thread. Lives on its caller's stack; the multi thread uses
// it from the hand-over until it fulfils `done`, and frees the easy handle before that.
struct CurlMultiTransport::Job {
  std::uint64_t id = 0;
  CurlEasy easy;
  CurlTransfer transfer;
  std::promise<TransportResult> done;
};

Expected<std::unique_ptr<CurlMultiTransport>, TransportError> CurlMultiTransport::create(
    const CurlGlobal& global, RestConfig config, CurlTransportOptions options) {
  auto endpoint = makeCurlEndpoint(global, std::move(config), std::move(options));
  if (!endpoint) {
    return Unexpected(std::move(endpoint).error());
  }
  CurlMulti multi(curl_multi_init());
  if (!multi) {
    return Unexpected(TransportError{TransportFailure::kInvalid, "libcurl is out of memory"});
  }
  // kube-runtime.md §6.6: multiplex on one connection (the default since 7.62, set anyway so a
  // change of default cannot silently open a connection per stream), and libcurl's stream cap
  // at the apiserver's 100. CURLMOPT_MAX_HOST_CONNECTIONS stays unset: past 100 streams a second
  // connection must open rather than queue a watch behind the others.
  CURLMcode code = curl_multi_setopt(multi.get(), CURLMOPT_PIPELINING, long{CURLPIPE_MULTIPLEX});
  if (code == CURLM_OK) {
    code = curl_multi_setopt(multi.get(), CURLMOPT_MAX_CONCURRENT_STREAMS, kMaxConcurrentStreams);
  }
  if (code != CURLM_OK) {
    return Unexpected(TransportError{TransportFailure::kInvalid,
                                     std::string("libcurl multi: ") + curl_multi_strerror(code)});
  }
  return std::unique_ptr<CurlMultiTransport>(
      new CurlMultiTransport(std::move(endpoint).value(), std::move(multi)));
}

CurlMultiTransport::CurlMultiTransport(CurlEndpoint endpoint, CurlMulti multi)
    : endpoint_(std::move(endpoint)), multi_(std::move(multi)), thread_([this] { run(); }) {}

CurlMultiTransport::~CurlMultiTransport() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    curl_multi_wakeup(multi_.get());
  }
  thread_.join();  // every transfer has been ended and its caller released
  std::unique_lock lock(mutex_);
  callersGone_.wait(lock, [this] { return callers_ == 0; });
}

TransportResult CurlMultiTransport::send(const HttpRequest& request) {
  return perform(request, nullptr);
}

TransportResult CurlMultiTransport::stream(const HttpRequest& request,
                                           const BodyChunkHandler& onChunk) {
  return perform(request, &onChunk);
}

std::size_t CurlMultiTransport::transfersInFlight() const {
  std::lock_guard lock(mutex_);
  return inFlight_;
}

TransportResult CurlMultiTransport::perform(const HttpRequest& request,
                                            const BodyChunkHandler* onChunk) {
  Job job;
  if (auto refused = checkRequest(request, job.transfer)) {
    return Unexpected(std::move(*refused));
  }
  job.easy = makeCurlEasy();
  if (!job.easy) {
    return Unexpected(TransportError{TransportFailure::kInvalid,
                                     job.transfer.what + ": libcurl is out of memory"});
  }
  if (auto refused = setupTransfer(job.easy.get(), endpoint_, request, onChunk, job.transfer)) {
    return Unexpected(std::move(*refused));
  }
  curl_easy_setopt(job.easy.get(), CURLOPT_PRIVATE, static_cast<void*>(&job));
  std::future<TransportResult> done = job.done.get_future();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return Unexpected(aborted(job.transfer.what, ": the transport is shutting down"));
    }
    job.id = nextId_++;
    submitted_.push_back(&job);
    ++inFlight_;
    ++callers_;
    // Under the lock: the destructor sets stopping_ under it before the multi handle can go.
    curl_multi_wakeup(multi_.get());
  }
  {
    // Runs here at once if the stop came already; otherwise on the thread that requests it.
    std::stop_callback onStop(request.stop, [this, id = job.id] { cancel(id); });
    done.wait();
  }  // onStop is gone: no cancel can reach this transport from this call any more
  TransportResult result = done.get();
  {
    std::lock_guard lock(mutex_);
    --callers_;
    callersGone_.notify_all();
  }
  return result;
}

void CurlMultiTransport::cancel(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  if (!stopping_) {
    cancelled_.push_back(id);
    curl_multi_wakeup(multi_.get());
  }
}

void CurlMultiTransport::finish(Job* job, TransportResult result) {
  job->easy.reset();  // removed from the multi handle already, or never added
  {
    std::lock_guard lock(mutex_);
    --inFlight_;
  }
  job->done.set_value(std::move(result));  // the caller may free the job from here on
}

void CurlMultiTransport::run() {
  CURLM* multi = multi_.get();
  std::unordered_map<std::uint64_t, Job*> active;
  auto remove = [&](Job* job) {
    curl_multi_remove_handle(multi, job->easy.get());
    active.erase(job->id);
  };
  while (true) {
    std::vector<Job*> added;
    std::vector<std::uint64_t> cancels;
    bool stopping = false;
    {
      std::lock_guard lock(mutex_);
      added.swap(submitted_);
      cancels.swap(cancelled_);
      stopping = stopping_;
    }
    for (Job* job : added) {
      const CURLMcode code = curl_multi_add_handle(multi, job->easy.get());
      if (code != CURLM_OK) {
        finish(job, Unexpected(TransportError{
                        TransportFailure::kOther,
                        job->transfer.what + ": libcurl multi: " + curl_multi_strerror(code)}));
        continue;
      }
      active.emplace(job->id, job);
    }
    for (std::uint64_t id : cancels) {
      const auto found = active.find(id);
      if (found == active.end()) {
        continue;  // it ended before the cancel arrived
      }
      Job* job = found->second;
      job->transfer.aborted = true;  // finishTransfer reports kAborted, "stop requested"
      TransportResult result = finishTransfer(CURLE_ABORTED_BY_CALLBACK, job->transfer);
      remove(job);  // on HTTP/2 this resets the one stream; the connection stays
      finish(job, std::move(result));
    }
    if (stopping) {
      break;
    }
    int running = 0;
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) {
        continue;
      }
      const CURLcode code = message->data.result;
      CURL* easy = message->easy_handle;  // `message` is invalid once the handle is removed
      void* priv = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
      Job* job = static_cast<Job*>(priv);
      // A transfer that timed out (the stall guard or the request deadline) most likely sat on
      // a dead connection that the kernel still acknowledges (a black-holed peer): libcurl
      // would keep that HTTP/2 connection and send every later request and rewatch over it.
      // Shutting its socket down fails every stream on it, so libcurl drops it and the next
      // transfer connects afresh; client-go does the same when an HTTP/2 PING goes unanswered
      // (kube-runtime.md §6.5). shutdown() leaves the descriptor to libcurl, which closes it.
      curl_socket_t socket = CURL_SOCKET_BAD;
      if (code == CURLE_OPERATION_TIMEDOUT) {
        curl_easy_getinfo(easy, CURLINFO_ACTIVESOCKET, &socket);
      }
      TransportResult result = finishTransfer(code, job->transfer);
      remove(job);
      if (socket != CURL_SOCKET_BAD) {
        ::shutdown(socket, SHUT_RDWR);
      }
      finish(job, std::move(result));
    }
    curl_multi_poll(multi, nullptr, 0, kPollTimeoutMs, nullptr);
  }
  // Shutdown: end every transfer still running or never added; their callers get kAborted.
  while (!active.empty()) {
    Job* job = active.begin()->second;
    remove(job);
    finish(job, Unexpected(aborted(job->transfer.what, ": the transport is shutting down")));
  }
  std::vector<Job*> left;
  {
    std::lock_guard lock(mutex_);
    left.swap(submitted_);
  }
  for (Job* job : left) {
    finish(job, Unexpected(aborted(job->transfer.what, ": the transport is shutting down")));
  }
}

}  // namespace cop::client
