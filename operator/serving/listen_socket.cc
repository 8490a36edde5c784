#include "operator/serving/listen_socket.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

namespace cop::serving {

namespace {

std::string errnoText(std::string_view what) {
  return std::string(what) + ": " + std::strerror(errno);
}

struct AddrInfoDeleter {
  void operator()(addrinfo* info) const { ::freeaddrinfo(info); }
};

// Binds and listens on one address. v6Only: whether an IPv6 socket refuses IPv4 peers (off only
// for the all-interfaces socket, so that one socket serves both families).
Expected<UniqueFd, std::string> listenOnAddress(const sockaddr* address, socklen_t length,
                                                int family, bool v6Only, int backlog) {
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return Unexpected(errnoText("socket"));
  }
  // A restarted operator rebinds at once although connections of the previous process linger
  // in TIME_WAIT.
  const int one = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
    return Unexpected(errnoText("setsockopt SO_REUSEADDR"));
  }
  if (family == AF_INET6) {
    const int flag = v6Only ? 1 : 0;
    if (::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &flag, sizeof flag) != 0) {
      return Unexpected(errnoText("setsockopt IPV6_V6ONLY"));
    }
  }
  if (::bind(fd.get(), address, length) != 0) {
    return Unexpected(errnoText("bind"));
  }
  if (::listen(fd.get(), backlog) != 0) {
    return Unexpected(errnoText("listen"));
  }
  return fd;
}

Expected<UniqueFd, std::string> listenOnAllInterfaces(std::uint16_t port, int backlog) {
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_addr = in6addr_any;
  v6.sin6_port = htons(port);
  auto dual =
      listenOnAddress(reinterpret_cast<const sockaddr*>(&v6), sizeof v6, AF_INET6, false, backlog);
  if (dual) {
    return dual;
  }
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_addr.s_addr = htonl(INADDR_ANY);
  v4.sin_port = htons(port);
  auto only4 =
      listenOnAddress(reinterpret_cast<const sockaddr*>(&v4), sizeof v4, AF_INET, false, backlog);
  if (!only4) {
    return Unexpected("[::]: " + dual.error() + "; 0.0.0.0: " + only4.error());
  }
  return only4;
}

}  // namespace

Expected<BindAddress, std::string> parseBindAddress(std::string_view address) {
  BindAddress out;
  std::string_view portText;
  if (address.starts_with('[')) {
    const std::size_t close = address.find("]:");
    if (close == std::string_view::npos) {
      return Unexpected("bind address \"" + std::string(address) + "\": expected [host]:port");
    }
    out.host = std::string(address.substr(1, close - 1));
    portText = address.substr(close + 2);
  } else {
    const std::size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) {
      return Unexpected("bind address \"" + std::string(address) + "\": missing port");
    }
    out.host = std::string(address.substr(0, colon));
    if (out.host.find(':') != std::string::npos) {
      return Unexpected("bind address \"" + std::string(address) +
                        "\": an IPv6 host must be in brackets");
    }
    portText = address.substr(colon + 1);
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), value);
  if (portText.empty() || ec != std::errc() || end != portText.data() + portText.size() ||
      value > 65535) {
    return Unexpected("bind address \"" + std::string(address) + "\": invalid port");
  }
  out.port = static_cast<std::uint16_t>(value);
  return out;
}

Expected<UniqueFd, std::string> listenOn(std::string_view address, int backlog) {
  COP_ASSIGN_OR_RETURN(bind, parseBindAddress(address));
  if (bind.host.empty()) {
    auto fd = listenOnAllInterfaces(bind.port, backlog);
    if (!fd) {
      return Unexpected("listen on " + std::string(address) + ": " + fd.error());
    }
    return fd;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* raw = nullptr;
  const std::string portText = std::to_string(bind.port);
  const int rc = ::getaddrinfo(bind.host.c_str(), portText.c_str(), &hints, &raw);
  if (rc != 0) {
    return Unexpected("listen on " + std::string(address) + ": " + ::gai_strerror(rc));
  }
  const std::unique_ptr<addrinfo, AddrInfoDeleter> infos(raw);
  std::string errors;
  for (const addrinfo* info = infos.get(); info != nullptr; info = info->ai_next) {
    auto fd = listenOnAddress(info->ai_addr, info->ai_addrlen, info->ai_family, true, backlog);
    if (fd) {
      return fd;
    }
    errors += (errors.empty() ? "" : "; ") + fd.error();
  }
  return Unexpected("listen on " + std::string(address) + ": " + errors);
}

Expected<std::uint16_t, std::string> boundPort(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return Unexpected(errnoText("getsockname"));
  }
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  }
  if (address.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
  }
  return Unexpected(std::string("getsockname: not an IP socket"));
}

}  // namespace cop::serving
