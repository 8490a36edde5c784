#pragma once

// A raw HTTP client over real loopback sockets for the server tests: it sends exact bytes and
// reads until the server closes, so tests see precisely what goes over the wire.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "operator/serving/unique_fd.h"

namespace cop::serving::testing {

// Generous: only a broken server makes a test wait this long.
inline constexpr std::chrono::milliseconds kClientTimeout{10'000};

inline UniqueFd connectTo(std::uint16_t port, int family = AF_INET) {
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (family == AF_INET6) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_loopback;
    address.sin6_port = htons(port);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      return UniqueFd();
    }
    return fd;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return UniqueFd();
  }
  return fd;
}

inline bool sendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

struct ReadResult {
  std::string bytes;
  bool closed = false;  // the server closed (EOF or reset) before the timeout
};

inline ReadResult readUntilClosed(int fd, std::chrono::milliseconds timeout = kClientTimeout) {
  ReadResult out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char chunk[4096];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return out;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      continue;
    }
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) {
      out.closed = true;
      return out;
    }
    out.bytes.append(chunk, static_cast<std::size_t>(n));
  }
}

struct Response {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
  bool closed = false;

  bool hasHeader(std::string_view line) const {
    return head.find("\r\n" + std::string(line) + "\r\n") != std::string::npos;
  }
};

inline Response parseResponse(const ReadResult& raw) {
  Response out;
  out.closed = raw.closed;
  const std::size_t end = raw.bytes.find("\r\n\r\n");
  if (raw.bytes.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) {
    return out;
  }
  out.status = std::stoi(raw.bytes.substr(9, 3));
  out.head = raw.bytes.substr(0, end + 2);
  out.body = raw.bytes.substr(end + 4);
  return out;
}

// Sends `bytes` as they are and returns the response.
inline Response roundTrip(std::uint16_t port, std::string_view bytes, int family = AF_INET) {
  const UniqueFd fd = connectTo(port, family);
  if (!fd.valid() || !sendAll(fd.get(), bytes)) {
    return {};
  }
  return parseResponse(readUntilClosed(fd.get()));
}

inline Response get(std::uint16_t port, std::string_view target, std::string_view method = "GET",
                    int family = AF_INET) {
  return roundTrip(port,
                   std::string(method) + " " + std::string(target) +
                       " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: test\r\n\r\n",
                   family);
}

}  // namespace cop::serving::testing
