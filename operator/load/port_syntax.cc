#include "operator/load/port_syntax.h"

#include <cctype>
#include <initializer_list>

#include "operator/common/text.h"

namespace cop::load {

namespace {

// Builds a message by appending. g++ 12 at -O2/-O3 (the Release build) reports a false
// -Wrestrict on `"literal" + std::string(...)` once it knows bounds on the operand's length
// (GCC bug 105651), so messages here never start with that expression.
std::string message(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view part : parts) {
    out += part;
  }
  return out;
}

struct Range {
  std::uint16_t first = 0;
  std::uint16_t last = 0;
  std::size_t size() const { return static_cast<std::size_t>(last - first) + 1; }
};

Result<Range> parseRange(std::string_view text) {
  const std::size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    COP_ASSIGN_OR_RETURN(port, parsePortNumber(text));
    return Range{port, port};
  }
  COP_ASSIGN_OR_RETURN(first, parsePortNumber(text.substr(0, dash)));
  COP_ASSIGN_OR_RETURN(last, parsePortNumber(text.substr(dash + 1)));
  if (last < first) {
    return fail(message({"the port range ", text, " ends before it starts"}));
  }
  if (Range{first, last}.size() > kMaxPortsPerEntry) {
    return fail(message({"the port range ", text, " holds more than ",
                         std::to_string(kMaxPortsPerEntry), " ports"}));
  }
  return Range{first, last};
}

}  // namespace

Result<std::uint16_t> parsePortNumber(std::string_view text) {
  if (text.empty() || text.size() > 10) {
    return fail(message({"'", text, "' is not a port number"}));
  }
  std::uint64_t value = 0;  // 10 digits fit: no wrap-around before the range check
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return fail(message({"'", text, "' is not a port number"}));
    }
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value < 1 || value > 65535) {
    return fail(message({"port ", text, " is out of range (1-65535)"}));
  }
  return static_cast<std::uint16_t>(value);
}

Result<std::string> parseProtocol(std::string_view text) {
  std::string protocol = toLower(text);
  if (protocol != "tcp" && protocol != "udp" && protocol != "sctp") {
    return fail(message({"unknown protocol '", text, "' (expected tcp, udp or sctp)"}));
  }
  return protocol;
}

Result<std::vector<PortSpec>> parsePortSpec(std::string_view text) {
  std::string_view rest = text;
  std::string protocol = "tcp";
  if (const std::size_t slash = rest.rfind('/'); slash != std::string_view::npos) {
    COP_ASSIGN_OR_RETURN(parsed, parseProtocol(rest.substr(slash + 1)));
    protocol = parsed;
    rest = rest.substr(0, slash);
  }
  std::string hostIp;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:published:target
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      return fail(message({"invalid port '", text, "': a bracketed IPv6 host needs ']:'"}));
    }
    hostIp = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 2);
  }
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = rest.find(':', start);
    parts.push_back(
        rest.substr(start, colon == std::string_view::npos ? rest.npos : colon - start));
    if (colon == std::string_view::npos) {
      break;
    }
    start = colon + 1;
  }
  std::string_view publishedText;
  std::string_view targetText;
  if (parts.size() == 1) {
    targetText = parts[0];
  } else if (parts.size() == 2) {
    publishedText = parts[0];
    targetText = parts[1];
  } else if (parts.size() == 3 && hostIp.empty()) {
    hostIp = std::string(parts[0]);
    publishedText = parts[1];
    targetText = parts[2];
  } else {
    return fail(message({"invalid port '", text,
                         "' (expected [HOST:][PUBLISHED:]TARGET[/PROTOCOL]; put IPv6 hosts in "
                         "brackets)"}));
  }
  auto target = parseRange(targetText);
  if (!target) {
    return fail(message({"invalid port '", text, "': ", target.error().message}));
  }
  std::vector<PortSpec> out;
  if (publishedText.empty()) {
    for (std::uint32_t p = target->first; p <= target->last; ++p) {
      out.push_back(PortSpec{hostIp, std::nullopt, static_cast<std::uint16_t>(p), protocol});
    }
    return out;
  }
  auto published = parseRange(publishedText);
  if (!published) {
    return fail(message({"invalid port '", text, "': ", published.error().message}));
  }
  if (target->size() == 1) {
    // Docker picks one free port of a published range; on a Service the first one serves.
    out.push_back(PortSpec{hostIp, published->first, target->first, protocol});
    return out;
  }
  if (published->size() != target->size()) {
    return fail(
        message({"invalid port '", text, "': the published and target ranges differ in length"}));
  }
  for (std::size_t i = 0; i < target->size(); ++i) {
    out.push_back(PortSpec{hostIp, static_cast<std::uint16_t>(published->first + i),
                           static_cast<std::uint16_t>(target->first + i), protocol});
  }
  return out;
}

Result<std::vector<ExposeSpec>> parseExposeSpec(std::string_view text) {
  std::string_view rest = text;
  std::string protocol = "tcp";
  if (const std::size_t slash = rest.rfind('/'); slash != std::string_view::npos) {
    COP_ASSIGN_OR_RETURN(parsed, parseProtocol(rest.substr(slash + 1)));
    protocol = parsed;
    rest = rest.substr(0, slash);
  }
  auto range = parseRange(rest);
  if (!range) {
    return fail(message({"invalid expose entry '", text, "': ", range.error().message}));
  }
  std::vector<ExposeSpec> out;
  for (std::uint32_t p = range->first; p <= range->last; ++p) {
    out.push_back(ExposeSpec{static_cast<std::uint16_t>(p), protocol});
  }
  return out;
}

}  // namespace cop::load
