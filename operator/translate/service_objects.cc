// A Service for every compose service, named after it, so that the compose name resolves by
// DNS as it does under compose: ClusterIP with the published and exposed ports, headless
// when there are none. Network aliases and link aliases become extra Services.
//
// TranslateOptions::publishType exposes published ports beyond the cluster: the Service
// named after the compose service takes that type when all of its ports are published ones.
// When it also carries ports that must stay inside the stack (bound to a loopback address,
// or only in `expose`), it stays ClusterIP and a Service `<name>-published` of that type
// carries the published ports alone, so that nothing is exposed that compose kept private.
// Alias Services stay ClusterIP: one external address per service is enough. A service only
// on internal networks publishes nothing (docker publishes none either), and the
// kompose.service.type label of a service wins over the option.

#include <map>
#include <set>

#include "operator/common/text.h"
#include "operator/translate/defaults.h"
#include "operator/translate/stack_context.h"

namespace cop::translate::detail {

namespace {

constexpr std::string_view kServiceTypeLabel = "kompose.service.type";

// IANA service names, as Kubernetes port names must be: at most 15 characters of lower-case
// letters, digits and '-', at least one letter, no '-' at either end or twice in a row.
bool isPortName(const std::string& name) {
  if (name.empty() || name.size() > 15 || name.front() == '-' || name.back() == '-' ||
      name.find("--") != std::string::npos) {
    return false;
  }
  bool letter = false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
    letter = letter || (c >= 'a' && c <= 'z');
  }
  return letter;
}

std::string lowerProtocol(const std::string& upper) {
  return upper == "UDP" ? "udp" : upper == "SCTP" ? "sctp" : "tcp";
}

// The ports of a Service, and which of them are published beyond the stack (a `ports` entry
// not bound to a loopback address).
struct ServicePorts {
  Object all = Object::array();
  std::vector<bool> published;  // one per entry of `all`

  Object publishedOnly() const {
    Object out = Object::array();
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (published[i]) {
        out.push_back(all[i]);
      }
    }
    return out;
  }
};

Result<ServicePorts> servicePorts(const ServiceContext& svc, const StackContext& stack) {
  const load::Service& s = svc.service;
  // (port, protocol) -> (target, index in ports.all); the same Service port cannot lead to
  // two targets.
  std::map<std::pair<int, std::string>, std::pair<int, std::size_t>> seen;
  ServicePorts ports;
  std::set<std::string> names;
  auto add = [&](int port, int target, const std::string& protocol, const std::string& appProtocol,
                 const std::string& composeName, const load::Origin& origin,
                 bool published) -> Status {
    const std::string proto = kubernetesProtocol(protocol);
    auto [it, inserted] =
        seen.emplace(std::make_pair(port, proto), std::make_pair(target, ports.all.size()));
    if (!inserted) {
      if (it->second.first != target) {
        return stack.failAt(codes::kPortConflict, origin,
                            "port " + std::to_string(port) + "/" + protocol +
                                " is published twice, to " + std::to_string(it->second.first) +
                                " and to " + std::to_string(target));
      }
      if (published) {
        ports.published[it->second.second] = true;
      }
      return {};
    }
    Object entry = Object::object();
    const std::string generated = lowerProtocol(proto) + "-" + std::to_string(port);
    const std::string name =
        isPortName(composeName) && !names.contains(composeName) ? composeName : generated;
    if (!composeName.empty() && name != composeName) {
      stack.warn(codes::kInvalidPortName, origin,
                 "the port name '" + composeName +
                     "' is not a valid Kubernetes port name (or is taken); using " + generated);
    }
    names.insert(name);
    entry["name"] = name;
    entry["port"] = port;
    entry["targetPort"] = target;
    entry["protocol"] = proto;
    if (!appProtocol.empty()) {
      entry["appProtocol"] = appProtocol;
    }
    ports.all.push_back(std::move(entry));
    ports.published.push_back(published);
    return {};
  };
  for (const load::Port& port : s.ports) {
    if (isLoopbackHost(port.hostIp)) {
      // Only the docker host could reach a loopback-bound port; under compose the stack's
      // containers reach the container port. So: the container port, for the stack only.
      stack.warn(codes::kLoopbackPort, port.origin,
                 "the port is bound to " + port.hostIp +
                     ", so it is not exposed beyond the stack; the stack's pods "
                     "reach it on port " +
                     std::to_string(port.target));
      COP_TRY(add(port.target, port.target, port.protocol, port.appProtocol, port.name, port.origin,
                  false));
      continue;
    }
    if (!port.hostIp.empty() && port.hostIp != "0.0.0.0" && port.hostIp != "::") {
      // Another host address is a host interface, which a cluster does not have; the port
      // stays published (open to any source), as the author meant it to be reachable.
      stack.warn(codes::kIgnoredValue, port.origin,
                 "the host address " + port.hostIp +
                     " is not carried over: a Service listens on its cluster address");
    }
    COP_TRY(add(port.published.value_or(port.target), port.target, port.protocol, port.appProtocol,
                port.name, port.origin, true));
  }
  for (const load::ExposedPort& port : s.expose) {
    COP_TRY(add(port.port, port.port, port.protocol, "", "", port.origin, false));
  }
  return ports;
}

Result<std::string> serviceType(const load::Service& s, const StackContext& stack) {
  auto it = s.labels.find(std::string(kServiceTypeLabel));
  if (it == s.labels.end()) {
    return std::string();
  }
  const std::string type = toLower(it->second);
  if (type == "clusterip") {
    return std::string("ClusterIP");
  }
  if (type == "nodeport") {
    return std::string("NodePort");
  }
  if (type == "loadbalancer") {
    return std::string("LoadBalancer");
  }
  if (type == "headless") {
    return std::string("Headless");
  }
  return stack.failAt(codes::kInvalidServiceType, s.originOf("labels"),
                      "unknown kompose.service.type '" + it->second +
                          "' (expected clusterip, nodeport, loadbalancer or headless)");
}

// network_mode: none: no Service at all. Nothing can reach the pod, and under compose its
// name resolves on no network, so a Service (even a headless one) would only claim
// reachability that is not there.
Status checkIsolated(const ServiceContext& svc, const StackContext& stack) {
  const load::Service& s = svc.service;
  if (!s.ports.empty()) {
    return stack.failAt(codes::kIsolatedService, s.originOf("ports"),
                        "network_mode: none has no network to publish ports on (docker refuses "
                        "this too)");
  }
  if (!s.networks.empty()) {
    return stack.failAt(codes::kIsolatedService, s.originOf("networks"),
                        "network_mode: none and networks cannot be combined (compose refuses "
                        "this too)");
  }
  if (!s.expose.empty()) {
    stack.warn(codes::kIgnoredValue, s.originOf("expose"),
               "under network_mode: none nothing can reach the exposed ports; no Service is made");
  }
  for (const load::Service& other : stack.project.services) {
    for (const auto& [target, alias] : other.links) {
      if (target == s.name) {
        return stack.failAt(codes::kIsolatedService, other.originOf("links"),
                            "links to the service '" + s.name + "', which has network_mode: none");
      }
    }
  }
  return {};
}

bool bindsLoopback(const load::Service& s) {
  for (const load::Port& port : s.ports) {
    if (isLoopbackHost(port.hostIp)) {
      return true;
    }
  }
  return false;
}

}  // namespace

Status addServiceObjects(ServiceContext& svc, StackContext& stack) {
  const load::Service& s = svc.service;
  if (isNetworkIsolated(s)) {
    return checkIsolated(svc, stack);
  }
  COP_ASSIGN_OR_RETURN(portsOfService, servicePorts(svc, stack));
  const Object& ports = portsOfService.all;
  COP_ASSIGN_OR_RETURN(type, serviceType(s, stack));
  if (ports.empty() && !type.empty() && type != "Headless") {
    return stack.failAt(codes::kInvalidServiceType, s.originOf("labels"),
                        "a " + type + " Service needs ports");
  }
  if ((type == "NodePort" || type == "LoadBalancer") && bindsLoopback(s)) {
    // Every port of such a Service opens on every node (or a load balancer): a loopback port
    // would be exposed to the world, the opposite of what its binding says.
    return stack.failAt(codes::kLoopbackExposed, s.originOf("labels"),
                        "a " + type +
                            " Service would expose the ports bound to a loopback address "
                            "beyond the stack; bind them to 0.0.0.0 or drop kompose.service.type");
  }
  // TranslateOptions::publishType, for the published ports (see the top of this file).
  std::string publishType;  // the type of the Service named after the service, when not ClusterIP
  Object separatelyPublished;  // the ports of a `<name>-published` Service, when one is needed
  if (type.empty() && stack.options.publishType != PublishType::kClusterIP && svc.externalEgress) {
    Object published = portsOfService.publishedOnly();
    if (!published.empty() && published.size() == ports.size()) {
      publishType = std::string(toString(stack.options.publishType));
    } else if (!published.empty()) {
      separatelyPublished = std::move(published);
    }
  }
  std::vector<std::pair<std::string, load::Origin>> names{{s.name, s.origin}};
  for (const auto& [network, attachment] : s.networks) {
    for (const std::string& alias : attachment.aliases) {
      names.emplace_back(alias, attachment.origin);
    }
  }
  if (auto it = stack.linkAliases.find(s.name); it != stack.linkAliases.end()) {
    names.insert(names.end(), it->second.begin(), it->second.end());
  }
  auto addService = [&](const std::string& serviceName, const std::string& owner,
                        const load::Origin& origin, const Object& portList,
                        const std::string& typeName) -> Status {
    COP_TRY(stack.names.claim("Service", serviceName, owner, origin));
    Object object = Object::object();
    object["apiVersion"] = "v1";
    object["kind"] = "Service";
    object["metadata"] = stack.metadata(serviceName, svc.labels);
    Object spec = Object::object();
    spec["selector"] = svc.selector;
    if (portList.empty() || typeName == "Headless") {
      spec["clusterIP"] = "None";  // headless: the name resolves to the pods
    } else if (!typeName.empty()) {
      spec["type"] = typeName;
    } else {
      spec["type"] = "ClusterIP";
    }
    if (!portList.empty()) {
      spec["ports"] = portList;
    }
    object["spec"] = std::move(spec);
    stack.objects.push_back(std::move(object));
    return {};
  };
  for (const auto& [name, origin] : names) {
    const std::string serviceName = sanitizeName(name);
    const bool own = name == s.name;
    if (serviceName == svc.name && !own) {
      continue;  // an alias equal to the service's own name adds nothing
    }
    // The label's type applies to every name; publishType to the service's own name only.
    const std::string& typeName = type.empty() && own ? publishType : type;
    COP_TRY(addService(
        serviceName,
        own ? "service '" + s.name + "'" : "alias '" + name + "' of service '" + s.name + "'",
        origin, ports, typeName));
  }
  if (!separatelyPublished.empty()) {
    COP_TRY(addService(sanitizeName(svc.name + "-published"),
                       "the published ports of service '" + s.name + "'", s.originOf("ports"),
                       separatelyPublished, std::string(toString(stack.options.publishType))));
  }
  return {};
}

}  // namespace cop::translate::detail

namespace cop::translate {

std::string_view toString(PublishType type) {
  switch (type) {
    case PublishType::kNodePort:
      return "NodePort";
    case PublishType::kLoadBalancer:
      return "LoadBalancer";
    case PublishType::kClusterIP:
      break;
  }
  return "ClusterIP";
}

}  // namespace cop::translate
