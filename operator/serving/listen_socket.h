#pragma once

// Opening the listening socket for a bind address as Go's net.Listen("tcp", address) reads it.

#include <cstdint>
#include <string>
#include <string_view>

#include "operator/common/result.h"
#include "operator/serving/unique_fd.h"

namespace cop::serving {

struct BindAddress {
  std::string host;  // empty: all interfaces
  std::uint16_t port = 0;
};

// "host:port", "[v6 address]:port" or ":port". The port is decimal, 0 to 65535.
Expected<BindAddress, std::string> parseBindAddress(std::string_view address);

// A non-blocking, close-on-exec TCP socket listening on `address`. An empty host listens on
// IPv6 and IPv4 at once (a dual-stack "::" socket, or 0.0.0.0 where the kernel has no IPv6);
// a name or address listens on the first of its addresses that binds.
Expected<UniqueFd, std::string> listenOn(std::string_view address, int backlog);

// The port a socket is bound to (the one the kernel picked for port 0).
Expected<std::uint16_t, std::string> boundPort(int fd);

}  // namespace cop::serving
