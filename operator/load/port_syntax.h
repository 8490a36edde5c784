#pragma once

// Compose's short port syntax, `[[IP:](port|range):](port|range)[/protocol]`, IPv6 hosts in
// brackets, and `expose` entries `port[-range][/protocol]`. Ranges expand to one entry per
// port; a range of published ports with a single target keeps the first published port.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "operator/common/diagnostic.h"

namespace cop::load {

struct PortSpec {
  std::string hostIp;
  std::optional<std::uint16_t> published;
  std::uint16_t target = 0;
  std::string protocol = "tcp";
};

// Bounds the expansion of ranges: a Service with thousands of ports is a mistake.
inline constexpr std::size_t kMaxPortsPerEntry = 1000;

// Fails with a message that quotes the entry (the caller adds file and path).
Result<std::vector<PortSpec>> parsePortSpec(std::string_view text);

struct ExposeSpec {
  std::uint16_t port = 0;
  std::string protocol = "tcp";
};
Result<std::vector<ExposeSpec>> parseExposeSpec(std::string_view text);

// Validates a port number as compose writes it ("80", "8080"): 1-65535.
Result<std::uint16_t> parsePortNumber(std::string_view text);

// Normalises a protocol name; fails unless tcp, udp or sctp (any case).
Result<std::string> parseProtocol(std::string_view text);

}  // namespace cop::load
