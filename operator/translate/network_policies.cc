// NetworkPolicies that make compose networks real: every pod of the stack is denied by
// default (ingress and egress); pods that share a compose network reach each other; published
// ports are open to any source; DNS egress is allowed; egress outside the cluster is allowed
// except for services whose networks are all `internal: true`.

#include <map>
#include <set>

#include "operator/translate/defaults.h"
#include "operator/translate/stack_context.h"

namespace cop::translate::detail {

namespace {

constexpr int kDnsPort = 53;

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

Object stackSelector(const StackContext& stack) {
  return Object{{std::string(kStackLabel), stack.stack}};
}

}  // namespace

Status addNetworkPolicies(const std::vector<ServiceContext>& services, StackContext& stack) {
  if (services.empty()) {
    return {};
  }
  stack.objects.push_back(policyObject(stack, stack.stackName("default-deny"), stackSelector(stack),
                                       Object::array({"Ingress", "Egress"})));

  Object dns = policyObject(stack, stack.stackName("allow-dns"), stackSelector(stack),
                            Object::array({"Egress"}));
  dns["spec"]["egress"] = Object::array(
      {Object{{"ports", Object::array({Object{{"protocol", "UDP"}, {"port", kDnsPort}},
                                       Object{{"protocol", "TCP"}, {"port", kDnsPort}}})}}});
  stack.objects.push_back(std::move(dns));

  std::set<std::string> networks;
  bool anyExternalEgress = false;
  for (const ServiceContext& svc : services) {
    for (const auto& [name, attachment] : svc.service.networks) {
      // Two compose networks that sanitise alike would silently become one.
      COP_TRY(stack.names.claim("network", sanitizeName(name), "network '" + name + "'",
                                attachment.origin));
    }
    for (const std::string& network : serviceNetworks(svc.service)) {
      networks.insert(network);
    }
  }
  for (const std::string& network : networks) {
    Object members = stackSelector(stack);
    members[std::string(kNetworkLabelPrefix) + network] = "true";
    Object policy = policyObject(stack, stack.stackName("net-" + network), members,
                                 Object::array({"Ingress", "Egress"}));
    Object peers = Object::array({Object{{"podSelector", Object{{"matchLabels", members}}}}});
    policy["spec"]["ingress"] = Object::array({Object{{"from", peers}}});
    policy["spec"]["egress"] = Object::array({Object{{"to", peers}}});
    stack.objects.push_back(std::move(policy));
  }

  for (const ServiceContext& svc : services) {
    Object ports = Object::array();
    std::set<std::pair<int, std::string>> seen;
    // Every `ports` entry is published (compose picks a host port when none is given);
    // `expose` stays internal.
    for (const load::Port& port : svc.service.ports) {
      const std::string protocol = kubernetesProtocol(port.protocol);
      if (seen.emplace(port.target, protocol).second) {
        ports.push_back(Object{{"protocol", protocol}, {"port", port.target}});
      }
    }
    if (!ports.empty()) {
      Object policy = policyObject(stack, stack.stackName(svc.name + "-published"), svc.selector,
                                   Object::array({"Ingress"}));
      policy["spec"]["ingress"] = Object::array({Object{{"ports", std::move(ports)}}});
      stack.objects.push_back(std::move(policy));
    }
  }

  for (const ServiceContext& svc : services) {
    anyExternalEgress = anyExternalEgress || svc.externalEgress;
  }
  if (anyExternalEgress) {
    Object selector = stackSelector(stack);
    selector[std::string(kExternalEgressLabel)] = "true";
    Object policy = policyObject(stack, stack.stackName("external-egress"), selector,
                                 Object::array({"Egress"}));
    policy["spec"]["egress"] = Object::array(
        {Object{{"to", Object::array({Object{{"ipBlock", Object{{"cidr", "0.0.0.0/0"}}}},
                                      Object{{"ipBlock", Object{{"cidr", "::/0"}}}}})}}});
    stack.objects.push_back(std::move(policy));
  }
  return {};
}

}  // namespace cop::translate::detail
