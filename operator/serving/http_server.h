#pragma once

// A small HTTP/1.1 server for the health probe and metrics endpoints
// (../shared/docs/operator-conventions.md §5: probes on :8081, metrics on :8080/:8443). It
// serves GET and HEAD only, answers every request with `Connection: close`, and is built to
// stay up under a hostile or broken client:
// - a request head larger than kMaxRequestHeadBytes gets 431;
// - each connection has a read deadline (a client that sends nothing, or one byte a second, is
//   cut off: slowloris), and a write deadline;
// - one accept thread hands connections to a fixed pool of workers through a bounded queue, and
//   accepts no more while maxConnections are queued or in service (the rest wait in the
//   kernel's backlog), so neither threads nor memory grow with the number of clients;
// - stop() wakes every thread through an eventfd and joins them, within about one poll round,
//   even while clients are connected (a handler already running is waited for).
// Routes follow Go's ServeMux: a pattern matches that exact path, and a pattern ending in '/'
// also matches every path below it (the longest such pattern wins).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "operator/common/result.h"
#include "operator/serving/http_request.h"
#include "operator/serving/unique_fd.h"
#include "operator/serving/wake_event.h"

namespace cop::serving {

// The whole request line and headers; Go's http.Server allows 1 MiB, but a probe or a scrape
// sends a few hundred bytes, and a smaller limit bounds what a worker buffers.
inline constexpr std::size_t kMaxRequestHeadBytes = 8 * 1024;
// Time for a client to send its whole request head. kubelet's probe timeout defaults to 1 s and
// a Prometheus scrape sends its request at once, so 5 s only ever cuts off stalled clients.
inline constexpr std::chrono::milliseconds kDefaultReadTimeout{5'000};
// Time for a client to take the whole response; a /metrics body is a few hundred KiB at most.
inline constexpr std::chrono::milliseconds kDefaultWriteTimeout{10'000};
// Worker threads: probes and scrapes come a few per second, and each is served in
// milliseconds; several workers keep one stalled client from delaying the others.
inline constexpr std::size_t kDefaultWorkers = 4;
// Connections queued or in service at once; beyond this the server stops accepting and the
// kernel's listen backlog holds the rest.
inline constexpr std::size_t kDefaultMaxConnections = 64;
// listen() backlog: connections the kernel holds while the server is at maxConnections.
inline constexpr int kListenBacklog = 128;

struct HttpServerOptions {
  // "host:port", "[v6]:port" or ":port" (all interfaces, IPv6 and IPv4); port 0 picks a free
  // port (see HttpServer::port()).
  std::string bindAddress = ":8081";
  std::chrono::milliseconds readTimeout = kDefaultReadTimeout;
  std::chrono::milliseconds writeTimeout = kDefaultWriteTimeout;
  std::size_t workers = kDefaultWorkers;
  std::size_t maxConnections = kDefaultMaxConnections;
};

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options = {});
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  // stop()s.
  ~HttpServer();

  // Adds a route; before start() only (the table is read without a lock afterwards). Fails on
  // a pattern that is empty, does not start with '/', or is already taken, or after start().
  Expected<void, std::string> handle(std::string pattern, HttpHandler handler);

  // Binds, listens and starts the threads. Fails if the address does not parse or bind.
  Expected<void, std::string> start();
  // The bound port (the one picked for port 0); 0 before start().
  std::uint16_t port() const { return port_; }

  // Closes the listener, cuts off every connection and joins every thread. Idempotent.
  void stop();

 private:
  void acceptLoop();
  void workerLoop();
  void serveConnection(const UniqueFd& connection);
  HttpResponse route(const HttpRequest& request) const;
  void connectionDone();

  HttpServerOptions options_;
  std::map<std::string, HttpHandler> routes_;
  UniqueFd listener_;
  std::optional<WakeEvent> stopEvent_;
  std::uint16_t port_ = 0;
  bool started_ = false;

  std::mutex stopMutex_;  // stop() from two threads at once joins each thread once
  std::mutex mutex_;
  std::condition_variable changed_;  // a connection queued or finished, or stopping
  std::deque<UniqueFd> pending_;     // accepted, not yet taken by a worker
  std::size_t open_ = 0;             // queued + in service: at most maxConnections
  bool stopping_ = false;

  std::thread acceptThread_;
  std::vector<std::thread> workers_;
};

}  // namespace cop::serving
