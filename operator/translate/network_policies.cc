// NetworkPolicies that make compose networks real, as compose means them:
// - every pod of the stack is denied ingress and egress by default;
// - pods that share a compose network reach each other;
// - ports published on a non-loopback address are open to any source, unless the service is
//   only on internal networks (docker publishes no port of such a container);
// - DNS egress goes to the cluster's DNS only (TranslateOptions::dns), never to any port 53;
// - egress outside the cluster is allowed except for services whose networks are all
//   `internal: true`;
// - a pod under `network_mode: none` carries none of the opt-in labels, so only the default
//   deny selects it: it reaches nothing and nothing reaches it.
// Every policy name goes through the stack's NameRegistry.

#include <arpa/inet.h>

#include <algorithm>
#include <map>
#include <set>

#include "operator/translate/defaults.h"
#include "operator/translate/stack_context.h"

namespace cop::translate::detail {

namespace {

constexpr int kDnsPort = 53;
constexpr int kIpv4Bits = 32;
constexpr int kIpv6Bits = 128;

Object policyObject(const StackContext& stack, const std::string& name, Object podSelector,
                    Object policyTypes) {
  Object object = Object::object();
  object["apiVersion"] = "networking.k8s.io/v1";
  object["kind"] = "NetworkPolicy";
  object["metadata"] = stack.metadata(name, stack.stackLabels(stack.stack));
  object["spec"] = Object{{"podSelector", Object{{"matchLabels", std::move(podSelector)}}},
                          {"policyTypes", std::move(policyTypes)}};
  return object;
}

Status addPolicy(StackContext& stack, Object policy, const std::string& owner,
                 const load::Origin& origin) {
  COP_TRY(stack.names.claim("NetworkPolicy", policy["metadata"]["name"].get<std::string>(), owner,
                            origin));
  stack.objects.push_back(std::move(policy));
  return {};
}

Object stackSelector(const StackContext& stack) {
  return Object{{std::string(kStackLabel), stack.stack}};
}

// The peers of DNS egress: the cluster DNS pods, and any fixed addresses configured.
Object dnsPeers(const DnsOptions& dns) {
  Object peers = Object::array();
  peers.push_back(Object{
      {"namespaceSelector",
       Object{{"matchLabels", Object{{"kubernetes.io/metadata.name", dns.namespaceName}}}}},
      {"podSelector", Object{{"matchLabels", Object{{dns.podLabelKey, dns.podLabelValue}}}}}});
  for (const std::string& cidr : dns.cidrs) {
    peers.push_back(Object{{"ipBlock", Object{{"cidr", cidr}}}});
  }
  return peers;
}

bool isCidr(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos || slash + 1 == text.size() || text.size() - slash > 4) {
    return false;
  }
  const std::string address = text.substr(0, slash);
  const std::string prefixText = text.substr(slash + 1);
  for (char c : prefixText) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  const int prefix = std::stoi(prefixText);
  unsigned char bytes[16] = {};
  int bits = 0;
  if (inet_pton(AF_INET, address.c_str(), bytes) == 1) {
    bits = kIpv4Bits;
  } else if (inet_pton(AF_INET6, address.c_str(), bytes) == 1) {
    bits = kIpv6Bits;
  } else {
    return false;
  }
  if (prefix > bits) {
    return false;
  }
  // Canonical form: no address bit set beyond the prefix (10.0.0.1/8 is a typo for 10.0.0.0/8
  // or 10.0.0.1/32, and we do not guess which).
  for (int bit = prefix; bit < bits; ++bit) {
    if ((bytes[bit / 8] >> (7 - bit % 8)) & 1) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status addNetworkPolicies(const std::vector<ServiceContext>& services, StackContext& stack) {
  if (services.empty()) {
    return {};
  }
  COP_TRY(addPolicy(stack,
                    policyObject(stack, stack.stackName("default-deny"), stackSelector(stack),
                                 Object::array({"Ingress", "Egress"})),
                    "the stack's default-deny policy", load::Origin{}));

  if (std::any_of(services.begin(), services.end(),
                  [](const ServiceContext& svc) { return !isNetworkIsolated(svc.service); })) {
    Object selector = stackSelector(stack);
    selector[std::string(kDnsEgressLabel)] = "true";
    Object dns = policyObject(stack, stack.stackName("allow-dns"), std::move(selector),
                              Object::array({"Egress"}));
    dns["spec"]["egress"] = Object::array(
        {Object{{"to", dnsPeers(stack.options.dns)},
                {"ports", Object::array({Object{{"protocol", "UDP"}, {"port", kDnsPort}},
                                         Object{{"protocol", "TCP"}, {"port", kDnsPort}}})}}});
    COP_TRY(addPolicy(stack, std::move(dns), "the stack's DNS policy", load::Origin{}));
  }

  std::map<std::string, load::Origin> networks;
  for (const ServiceContext& svc : services) {
    for (const auto& [name, attachment] : svc.service.networks) {
      // Two compose networks that sanitise alike would silently become one.
      COP_TRY(stack.names.claim("network", sanitizeName(name), "network '" + name + "'",
                                attachment.origin));
    }
    for (const std::string& network : serviceNetworks(svc.service)) {
      networks.emplace(network, svc.service.origin);
    }
  }
  for (const auto& [network, origin] : networks) {
    Object members = stackSelector(stack);
    members[std::string(kNetworkLabelPrefix) + network] = "true";
    Object policy = policyObject(stack, stack.stackName("net-" + network), members,
                                 Object::array({"Ingress", "Egress"}));
    Object peers = Object::array({Object{{"podSelector", Object{{"matchLabels", members}}}}});
    policy["spec"]["ingress"] = Object::array({Object{{"from", peers}}});
    policy["spec"]["egress"] = Object::array({Object{{"to", peers}}});
    COP_TRY(addPolicy(stack, std::move(policy), "the policy of network '" + network + "'", origin));
  }

  for (const ServiceContext& svc : services) {
    stack.current = &svc.service;  // its warning and errors name it
    Object ports = Object::array();
    std::set<std::pair<int, std::string>> seen;
    // Every `ports` entry is published (compose picks a host port when none is given) unless
    // it is bound to a loopback address, which only the host could reach; `expose` stays
    // internal. Its own networks reach the container port through the network policies.
    for (const load::Port& port : svc.service.ports) {
      if (isLoopbackHost(port.hostIp)) {
        continue;
      }
      const std::string protocol = kubernetesProtocol(port.protocol);
      if (seen.emplace(port.target, protocol).second) {
        ports.push_back(Object{{"protocol", protocol}, {"port", port.target}});
      }
    }
    if (ports.empty()) {
      continue;  // (network_mode: none refuses `ports` earlier)
    }
    if (!svc.externalEgress) {
      stack.warn(codes::kNotPublished, svc.service.originOf("ports"),
                 "the service is only on internal networks, so its ports are not published "
                 "(docker publishes none either); its networks still reach them");
      continue;
    }
    Object policy = policyObject(stack, stack.stackName(svc.name + "-published"), svc.selector,
                                 Object::array({"Ingress"}));
    policy["spec"]["ingress"] = Object::array({Object{{"ports", std::move(ports)}}});
    COP_TRY(addPolicy(stack, std::move(policy),
                      "the published ports of service '" + svc.service.name + "'",
                      svc.service.originOf("ports")));
  }
  stack.current = nullptr;

  const bool anyExternalEgress =
      std::any_of(services.begin(), services.end(),
                  [](const ServiceContext& svc) { return svc.externalEgress; });
  if (anyExternalEgress) {
    Object selector = stackSelector(stack);
    selector[std::string(kExternalEgressLabel)] = "true";
    Object policy = policyObject(stack, stack.stackName("external-egress"), selector,
                                 Object::array({"Egress"}));
    policy["spec"]["egress"] = Object::array(
        {Object{{"to", Object::array({Object{{"ipBlock", Object{{"cidr", "0.0.0.0/0"}}}},
                                      Object{{"ipBlock", Object{{"cidr", "::/0"}}}}})}}});
    COP_TRY(
        addPolicy(stack, std::move(policy), "the stack's external egress policy", load::Origin{}));
  }
  return {};
}

}  // namespace cop::translate::detail

namespace cop::translate {

Status checkDnsOptions(const DnsOptions& dns) {
  if (!isDns1123Label(dns.namespaceName)) {
    return detail::failWith(
        codes::kInvalidOption,
        "the DNS namespace '" + dns.namespaceName +
            "' is not a valid namespace name (lower-case letters, digits and '-')");
  }
  if (!isQualifiedName(dns.podLabelKey) || !isLabelValue(dns.podLabelValue) ||
      dns.podLabelValue.empty()) {
    return detail::failWith(codes::kInvalidOption, "the DNS pod label '" + dns.podLabelKey + "=" +
                                                       dns.podLabelValue +
                                                       "' is not a valid Kubernetes label");
  }
  for (const std::string& cidr : dns.cidrs) {
    if (!detail::isCidr(cidr)) {
      return detail::failWith(
          codes::kInvalidOption,
          "the DNS address '" + cidr +
              "' is not a CIDR such as 169.254.20.10/32 (address bits beyond the prefix "
              "must be zero)");
    }
  }
  return {};
}

}  // namespace cop::translate
