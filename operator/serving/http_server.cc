#include "operator/serving/http_server.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <exception>

#include "operator/serving/listen_socket.h"

namespace cop::serving {

namespace {

using Clock = std::chrono::steady_clock;

// After the response, the server reads and drops what the client still sends for this long
// (at most kLingerBytes) before closing: closing a socket with unread input sends an RST, which
// can destroy the response before the client reads it (a 431 to a client still sending its
// huge head). Go's server waits 500 ms for the same reason (rstAvoidanceDelay).
constexpr std::chrono::milliseconds kLingerTime{500};
constexpr std::size_t kLingerBytes = 64 * 1024;
// How long the accept thread pauses when accept() fails for lack of fds or memory, instead of
// spinning on a listener that stays readable.
constexpr std::chrono::milliseconds kAcceptBackoff{100};

enum class Wait { Ready, TimedOut, Stopped, Failed };

// Waits until `fd` has `events`, the deadline passes, or the stop event is set.
Wait waitFor(int fd, short events, Clock::time_point deadline, int stopFd) {
  while (true) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return Wait::TimedOut;
    }
    pollfd fds[2] = {{fd, events, 0}, {stopFd, POLLIN, 0}};
    // Clamped so that a far deadline (time_point::max) fits poll's int; the loop goes on.
    const int rc = ::poll(fds, 2, static_cast<int>(std::min<std::int64_t>(left.count(), 60'000)));
    if (rc < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Wait::Failed;
    }
    if ((fds[1].revents & POLLIN) != 0) {
      return Wait::Stopped;
    }
    if ((fds[0].revents & (events | POLLHUP | POLLERR)) != 0) {
      return Wait::Ready;
    }
  }
}

bool writeAll(int fd, std::string_view data, Clock::time_point deadline, int stopFd) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (waitFor(fd, POLLOUT, deadline, stopFd) != Wait::Ready) {
        return false;
      }
      continue;
    }
    return false;
  }
  return true;
}

std::string serialize(const HttpResponse& response, bool withBody, bool allowHeader) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " ";
  out += reasonPhrase(response.status);
  out += "\r\nContent-Type: " + response.contentType;
  out += "\r\nContent-Length: " + std::to_string(response.body.size());
  // Probe and metrics bodies are not meant to be rendered as anything but what they say.
  out += "\r\nX-Content-Type-Options: nosniff";
  if (allowHeader) {
    out += "\r\nAllow: GET, HEAD";
  }
  out += "\r\nConnection: close\r\n\r\n";
  if (withBody) {
    out += response.body;
  }
  return out;
}

HttpResponse errorResponse(int status, std::string_view reason) {
  HttpResponse response;
  response.status = status;
  response.body = std::string(reason) + "\n";
  return response;
}

// Reads the request head (up to and without the blank line) before the deadline. Nothing:
// the client closed, stalled past the deadline, or the server is stopping. A RequestError:
// the head is too large.
Expected<std::optional<std::string>, RequestError> readHead(int fd, Clock::time_point deadline,
                                                            int stopFd) {
  std::string buffer;
  char chunk[4096];
  while (true) {
    const std::size_t end = buffer.find("\r\n\r\n");
    if (end != std::string::npos) {
      if (end + 4 > kMaxRequestHeadBytes) {
        break;
      }
      buffer.resize(end);
      return std::optional<std::string>(std::move(buffer));
    }
    if (buffer.size() >= kMaxRequestHeadBytes) {
      break;
    }
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) {
      return std::optional<std::string>();
    }
    if (errno == EINTR) {
      continue;
    }
    if ((errno != EAGAIN && errno != EWOULDBLOCK) ||
        waitFor(fd, POLLIN, deadline, stopFd) != Wait::Ready) {
      return std::optional<std::string>();
    }
  }
  return Unexpected(RequestError{431, "request header fields too large"});
}

// Half-closes and drops the client's remaining input for a short time: see kLingerTime.
void lingerBeforeClose(int fd, int stopFd) {
  ::shutdown(fd, SHUT_WR);
  const auto deadline = Clock::now() + kLingerTime;
  std::size_t dropped = 0;
  char chunk[4096];
  while (dropped < kLingerBytes) {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n > 0) {
      dropped += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
        waitFor(fd, POLLIN, deadline, stopFd) == Wait::Ready) {
      continue;
    }
    return;
  }
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options) : options_(std::move(options)) {
  // At least one worker and room for it, whatever the caller passed.
  options_.workers = std::max<std::size_t>(options_.workers, 1);
  options_.maxConnections = std::max(options_.maxConnections, options_.workers);
}

HttpServer::~HttpServer() {
  stop();
}

Expected<void, std::string> HttpServer::handle(std::string pattern, HttpHandler handler) {
  if (started_) {
    return Unexpected("route " + pattern + " added after the server started");
  }
  if (pattern.empty() || pattern.front() != '/') {
    return Unexpected("route pattern must start with '/': " + pattern);
  }
  if (!handler) {
    return Unexpected("route " + pattern + " has no handler");
  }
  if (!routes_.emplace(pattern, std::move(handler)).second) {
    return Unexpected("route registered twice: " + pattern);
  }
  return {};
}

Expected<void, std::string> HttpServer::start() {
  if (started_) {
    return Unexpected(std::string("server already started"));
  }
  COP_ASSIGN_OR_RETURN(stopEvent, WakeEvent::create());
  COP_ASSIGN_OR_RETURN(listener, listenOn(options_.bindAddress, kListenBacklog));
  COP_ASSIGN_OR_RETURN(port, boundPort(listener.get()));
  stopEvent_.emplace(std::move(stopEvent));
  listener_ = std::move(listener);
  port_ = port;
  started_ = true;
  acceptThread_ = std::thread([this] { acceptLoop(); });
  for (std::size_t i = 0; i < options_.workers; ++i) {
    workers_.emplace_back([this] { workerLoop(); });
  }
  return {};
}

void HttpServer::stop() {
  std::lock_guard stopLock(stopMutex_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  if (stopEvent_) {
    stopEvent_->set();
  }
  changed_.notify_all();
  if (acceptThread_.joinable()) {
    acceptThread_.join();
  }
  for (std::thread& worker : workers_) {
    if (worker.joinable()) {
      worker.join();
    }
  }
  workers_.clear();
  std::lock_guard lock(mutex_);
  pending_.clear();  // accepted, never served: closed here
  listener_.reset();
}

void HttpServer::acceptLoop() {
  const int stopFd = stopEvent_->fd();
  while (true) {
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || open_ < options_.maxConnections; });
      if (stopping_) {
        return;
      }
    }
    if (waitFor(listener_.get(), POLLIN, Clock::time_point::max(), stopFd) == Wait::Stopped) {
      return;
    }
    const int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
        // EMFILE, ENFILE, ENOBUFS, ENOMEM: the listener stays readable, so wait a little
        // rather than spin (or until stopped).
        pollfd stop{stopFd, POLLIN, 0};
        ::poll(&stop, 1, static_cast<int>(kAcceptBackoff.count()));
      }
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      pending_.emplace_back(fd);
      ++open_;
    }
    changed_.notify_all();
  }
}

void HttpServer::workerLoop() {
  while (true) {
    UniqueFd connection;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (stopping_) {
        return;
      }
      connection = std::move(pending_.front());
      pending_.pop_front();
    }
    serveConnection(connection);
    connection.reset();
    connectionDone();
  }
}

void HttpServer::connectionDone() {
  {
    std::lock_guard lock(mutex_);
    --open_;
  }
  changed_.notify_all();
}

void HttpServer::serveConnection(const UniqueFd& connection) {
  const int fd = connection.get();
  const int stopFd = stopEvent_->fd();
  auto head = readHead(fd, Clock::now() + options_.readTimeout, stopFd);
  HttpResponse response;
  bool withBody = true;
  bool notAllowed = false;
  if (!head) {
    response = errorResponse(head.error().status, head.error().reason);
  } else if (!head->has_value()) {
    return;  // closed, stalled or stopping: nobody to answer
  } else if (auto request = parseRequestHead(**head); !request) {
    response = errorResponse(request.error().status, request.error().reason);
  } else if (request->method != "GET" && request->method != "HEAD") {
    response = errorResponse(405, "method not allowed");
    notAllowed = true;
  } else {
    withBody = request->method != "HEAD";
    response = route(*request);
  }
  const std::string bytes = serialize(response, withBody, notAllowed);
  if (writeAll(fd, bytes, Clock::now() + options_.writeTimeout, stopFd)) {
    lingerBeforeClose(fd, stopFd);
  }
}

HttpResponse HttpServer::route(const HttpRequest& request) const {
  const HttpHandler* handler = nullptr;
  if (const auto exact = routes_.find(request.path); exact != routes_.end()) {
    handler = &exact->second;
  } else {
    std::size_t longest = 0;
    for (const auto& [pattern, candidate] : routes_) {
      if (pattern.back() == '/' && request.path.starts_with(pattern) && pattern.size() > longest) {
        longest = pattern.size();
        handler = &candidate;
      }
    }
  }
  if (handler == nullptr) {
    return errorResponse(404, "404 page not found");
  }
  // A handler is the caller's code: an exception from it must not end the worker thread (and
  // with it the process), so it becomes a 500 here, at the module boundary.
  try {
    return (*handler)(request);
  } catch (const std::exception&) {
    return errorResponse(500, "internal server error");
  } catch (...) {
    return errorResponse(500, "internal server error");
  }
}

}  // namespace cop::serving
