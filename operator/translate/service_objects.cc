// A Service for every compose service, named after it, so that the compose name resolves by
// DNS as it does under compose: ClusterIP with the published and exposed ports, headless
// when there are none. Network aliases and link aliases become extra Services.

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

Result<Object> servicePorts(const ServiceContext& svc, const StackContext& stack) {
  const load::Service& s = svc.service;
  // (port, protocol) -> target; the same Service port cannot lead to two targets.
  std::map<std::pair<int, std::string>, int> seen;
  Object ports = Object::array();
  std::set<std::string> names;
  auto add = [&](int port, int target, const std::string& protocol, const std::string& appProtocol,
                 const std::string& composeName, const load::Origin& origin) -> Status {
    const std::string proto = kubernetesProtocol(protocol);
    auto [it, inserted] = seen.emplace(std::make_pair(port, proto), target);
    if (!inserted) {
      if (it->second != target) {
        return stack.failAt(origin, "port " + std::to_string(port) + "/" + protocol +
                                        " is published twice, to " + std::to_string(it->second) +
                                        " and to " + std::to_string(target));
      }
      return {};
    }
    Object entry = Object::object();
    const std::string generated = lowerProtocol(proto) + "-" + std::to_string(port);
    const std::string name =
        isPortName(composeName) && !names.contains(composeName) ? composeName : generated;
    if (!composeName.empty() && name != composeName) {
      stack.warn(origin, "the port name '" + composeName +
                             "' is not a valid Kubernetes port name (or is taken); using " +
                             generated);
    }
    names.insert(name);
    entry["name"] = name;
    entry["port"] = port;
    entry["targetPort"] = target;
    entry["protocol"] = proto;
    if (!appProtocol.empty()) {
      entry["appProtocol"] = appProtocol;
    }
    ports.push_back(std::move(entry));
    return {};
  };
  for (const load::Port& port : s.ports) {
    if (isLoopbackHost(port.hostIp)) {
      // Only the docker host could reach a loopback-bound port; under compose the stack's
      // containers reach the container port. So: the container port, for the stack only.
      stack.warn(port.origin, "the port is bound to " + port.hostIp +
                                  ", so it is not exposed beyond the stack; the stack's pods "
                                  "reach it on port " +
                                  std::to_string(port.target));
      COP_TRY(
          add(port.target, port.target, port.protocol, port.appProtocol, port.name, port.origin));
      continue;
    }
    if (!port.hostIp.empty() && port.hostIp != "0.0.0.0" && port.hostIp != "::") {
      // Another host address is a host interface, which a cluster does not have; the port
      // stays published (open to any source), as the author meant it to be reachable.
      stack.warn(port.origin, "the host address " + port.hostIp +
                                  " is not carried over: a Service listens on its cluster address");
    }
    COP_TRY(add(port.published.value_or(port.target), port.target, port.protocol, port.appProtocol,
                port.name, port.origin));
  }
  for (const load::ExposedPort& port : s.expose) {
    COP_TRY(add(port.port, port.port, port.protocol, "", "", port.origin));
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
  return stack.failAt(s.originOf("labels"),
                      "unknown kompose.service.type '" + it->second +
                          "' (expected clusterip, nodeport, loadbalancer or headless)");
}

// network_mode: none: no Service at all. Nothing can reach the pod, and under compose its
// name resolves on no network, so a Service (even a headless one) would only claim
// reachability that is not there.
Status checkIsolated(const ServiceContext& svc, const StackContext& stack) {
  const load::Service& s = svc.service;
  if (!s.ports.empty()) {
    return stack.failAt(s.originOf("ports"),
                        "network_mode: none has no network to publish ports on (docker refuses "
                        "this too)");
  }
  if (!s.networks.empty()) {
    return stack.failAt(s.originOf("networks"),
                        "network_mode: none and networks cannot be combined (compose refuses "
                        "this too)");
  }
  if (!s.expose.empty()) {
    stack.warn(s.originOf("expose"),
               "under network_mode: none nothing can reach the exposed ports; no Service is made");
  }
  for (const load::Service& other : stack.project.services) {
    for (const auto& [target, alias] : other.links) {
      if (target == s.name) {
        return stack.failAt(other.originOf("links"),
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
  COP_ASSIGN_OR_RETURN(ports, servicePorts(svc, stack));
  COP_ASSIGN_OR_RETURN(type, serviceType(s, stack));
  if (ports.empty() && !type.empty() && type != "Headless") {
    return stack.failAt(s.originOf("labels"), "a " + type + " Service needs ports");
  }
  if ((type == "NodePort" || type == "LoadBalancer") && bindsLoopback(s)) {
    // Every port of such a Service opens on every node (or a load balancer): a loopback port
    // would be exposed to the world, the opposite of what its binding says.
    return stack.failAt(s.originOf("labels"),
                        "a " + type +
                            " Service would expose the ports bound to a loopback address "
                            "beyond the stack; bind them to 0.0.0.0 or drop kompose.service.type");
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
  for (const auto& [name, origin] : names) {
    const std::string serviceName = sanitizeName(name);
    if (serviceName == svc.name && name != s.name) {
      continue;  // an alias equal to the service's own name adds nothing
    }
    COP_TRY(stack.names.claim("Service", serviceName,
                              name == s.name ? "service '" + s.name + "'"
                                             : "alias '" + name + "' of service '" + s.name + "'",
                              origin));
    Object object = Object::object();
    object["apiVersion"] = "v1";
    object["kind"] = "Service";
    object["metadata"] = stack.metadata(serviceName, svc.labels);
    Object spec = Object::object();
    spec["selector"] = svc.selector;
    if (ports.empty() || type == "Headless") {
      spec["clusterIP"] = "None";  // headless: the name resolves to the pods
    } else if (!type.empty()) {
      spec["type"] = type;
    } else {
      spec["type"] = "ClusterIP";
    }
    if (!ports.empty()) {
      spec["ports"] = ports;
    }
    object["spec"] = std::move(spec);
    stack.objects.push_back(std::move(object));
  }
  return {};
}

}  // namespace cop::translate::detail
