// ports, expose, networks, links, extra_hosts.

#include <set>
#include <tuple>

#include "operator/common/message_text.h"
#include "operator/load/port_syntax.h"
#include "operator/load/service_parser_parts.h"

namespace cop::load::detail {

namespace {

Status parseLongPort(const Node& item, const std::string& path, Service& service) {
  COP_ASSIGN_OR_RETURN(fields, MappingReader::open(item, path));
  const Node* targetNode = fields.get("target");
  if (targetNode == nullptr) {
    return failAt(item, path, "a port needs a target");
  }
  COP_ASSIGN_OR_RETURN(targetText, asString(*targetNode, fields.pathOf("target")));
  auto target = parsePortNumber(targetText);
  if (!target) {
    return failAt(*targetNode, fields.pathOf("target"), target.error().message);
  }
  Port port;
  port.target = *target;
  port.origin = originOf(item, path);
  if (const Node* published = fields.get("published")) {
    COP_ASSIGN_OR_RETURN(text, asString(*published, fields.pathOf("published")));
    // A published range: the Service serves the first port, as parsePortSpec does.
    auto specs = parsePortSpec(text + ":" + targetText);
    if (!specs) {
      return failAt(*published, fields.pathOf("published"), specs.error().message);
    }
    port.published = specs->front().published;
  }
  COP_ASSIGN_OR_RETURN(protocol, fields.string("protocol"));
  if (protocol) {
    auto parsed = parseProtocol(*protocol);
    if (!parsed) {
      return fields.failKey("protocol", parsed.error().message);
    }
    port.protocol = *parsed;
  }
  COP_ASSIGN_OR_RETURN(hostIp, fields.string("host_ip"));
  port.hostIp = hostIp.value_or("");
  COP_ASSIGN_OR_RETURN(name, fields.string("name"));
  port.name = name.value_or("");
  COP_ASSIGN_OR_RETURN(appProtocol, fields.string("app_protocol"));
  port.appProtocol = appProtocol.value_or("");
  COP_ASSIGN_OR_RETURN(mode, fields.string("mode"));
  if (mode && *mode != "host" && *mode != "ingress") {
    return fields.failKey("mode", "unknown port mode '" + *mode + "' (expected host or ingress)");
  }
  COP_TRY(fields.rejectUnknown("a port"));
  service.ports.push_back(std::move(port));
  return {};
}

Status parseNetworkAttachments(const Node& value, const std::string& path, Service& service) {
  if (value.isSequence()) {
    for (std::size_t i = 0; i < value.items().size(); ++i) {
      COP_ASSIGN_OR_RETURN(name, asString(value.items()[i], indexPath(path, i)));
      service.networks[name] =
          NetworkAttachment{{}, originOf(value.items()[i], indexPath(path, i))};
    }
    return {};
  }
  if (!value.isMapping()) {
    return failAt(value, path,
                  "expected a list or a mapping of networks, found " + value.describe());
  }
  for (const auto& entry : value.entries()) {
    const std::string entryPath = childPath(path, entry.key);
    NetworkAttachment attachment{{}, originOf(entry.value, entryPath)};
    COP_ASSIGN_OR_RETURN(fields, MappingReader::open(entry.value, entryPath));
    COP_ASSIGN_OR_RETURN(aliases, fields.stringList("aliases"));
    attachment.aliases = std::move(aliases);
    // Addresses and driver options are the container runtime's business; pod networking
    // assigns addresses, so these are accepted and reported as ignored.
    for (std::string_view key : {"ipv4_address", "ipv6_address", "link_local_ips", "mac_address",
                                 "driver_opts", "priority", "gw_priority", "interface_name"}) {
      if (const Node* ignored = fields.get(key)) {
        service.ignored.push_back(IgnoredKey{std::string(key),
                                             "pod networking assigns addresses and interfaces",
                                             originOf(*ignored, fields.pathOf(key))});
      }
    }
    COP_TRY(fields.rejectUnknown("a service's network entry"));
    service.networks[entry.key] = std::move(attachment);
  }
  return {};
}

}  // namespace

Status parsePorts(MappingReader& fields, Service& service) {
  if (const Node* ports = fields.get("ports")) {
    const std::string path = fields.pathOf("ports");
    if (!ports->isSequence()) {
      return failAt(*ports, path, "expected a list of ports, found " + ports->describe());
    }
    for (std::size_t i = 0; i < ports->items().size(); ++i) {
      const Node& item = ports->items()[i];
      const std::string itemPath = indexPath(path, i);
      if (item.isMapping()) {
        COP_TRY(parseLongPort(item, itemPath, service));
        continue;
      }
      if (!item.isScalar()) {
        return failAt(item, itemPath, "expected a port, found " + item.describe());
      }
      auto specs = parsePortSpec(item.text());
      if (!specs) {
        return failAt(item, itemPath, specs.error().message);
      }
      for (const PortSpec& spec : *specs) {
        service.ports.push_back(Port{spec.target, spec.published, spec.protocol, spec.hostIp, "",
                                     "", originOf(item, itemPath)});
      }
    }
    // compose keeps one entry per unique key (host ip, published, target, protocol), also
    // within one file ("3000" next to "3000-3005"); the first keeps its place.
    std::set<std::tuple<std::string, int, int, std::string>> seen;
    std::erase_if(service.ports, [&seen](const Port& port) {
      return !seen.emplace(port.hostIp, port.published ? *port.published : -1, port.target,
                           port.protocol)
                  .second;
    });
  }
  if (const Node* expose = fields.get("expose")) {
    const std::string path = fields.pathOf("expose");
    if (!expose->isSequence()) {
      return failAt(*expose, path, "expected a list of ports, found " + expose->describe());
    }
    for (std::size_t i = 0; i < expose->items().size(); ++i) {
      const Node& item = expose->items()[i];
      COP_ASSIGN_OR_RETURN(text, asString(item, indexPath(path, i)));
      auto specs = parseExposeSpec(text);
      if (!specs) {
        return failAt(item, indexPath(path, i), specs.error().message);
      }
      for (const ExposeSpec& spec : *specs) {
        service.expose.push_back(
            ExposedPort{spec.port, spec.protocol, originOf(item, indexPath(path, i))});
      }
    }
  }
  return {};
}

Status parseNetworking(MappingReader& fields, Service& service) {
  if (const Node* networks = fields.get("networks")) {
    COP_TRY(parseNetworkAttachments(*networks, fields.pathOf("networks"), service));
  }
  COP_ASSIGN_OR_RETURN(links, fields.stringList("links"));
  for (const std::string& link : links) {
    const std::size_t colon = link.find(':');
    if (colon == std::string::npos) {
      service.links.emplace_back(link, "");
    } else {
      service.links.emplace_back(link.substr(0, colon), link.substr(colon + 1));
    }
  }
  if (const Node* hosts = fields.get("extra_hosts")) {
    const std::string path = fields.pathOf("extra_hosts");
    if (hosts->isMapping()) {
      for (const auto& entry : hosts->entries()) {
        COP_ASSIGN_OR_RETURN(ips, asStringList(entry.value, childPath(path, entry.key)));
        for (const std::string& ip : ips) {
          service.extraHosts.emplace_back(entry.key, ip);
        }
      }
    } else {
      COP_ASSIGN_OR_RETURN(entries, asStringList(*hosts, path));
      for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::string& text = entries[i];
        std::size_t cut = text.find('=');
        if (cut == std::string::npos) {
          cut = text.find(':');
        }
        if (cut == std::string::npos || cut == 0 || cut + 1 >= text.size()) {
          return failAt(hosts->isSequence() ? hosts->items()[i] : *hosts, indexPath(path, i),
                        "expected HOST:IP or HOST=IP, found '" + excerpt(text) + "'");
        }
        std::string ip = text.substr(cut + 1);
        if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') {
          ip = ip.substr(1, ip.size() - 2);
        }
        service.extraHosts.emplace_back(text.substr(0, cut), ip);
      }
    }
  }
  return {};
}

}  // namespace cop::load::detail
