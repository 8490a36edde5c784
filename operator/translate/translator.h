#pragma once

// The translate stage: typed compose Project -> Kubernetes objects, hardened by default.
// Pure: no filesystem, no environment, no clock. The same input gives the same objects in
// the same order.

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "operator/common/diagnostic.h"
#include "operator/load/compose_model.h"

namespace cop::translate {

using Object = nlohmann::ordered_json;

enum class SecurityProfile { kRestricted, kBaseline };

// Where the cluster's DNS runs: the only destination of the stack's port-53 egress. The
// default is how most clusters run it (CoreDNS or kube-dns pods labelled k8s-app=kube-dns in
// kube-system). `cidrs` adds fixed addresses, such as a node-local cache at 169.254.20.10/32.
// `convert` sets this from --dns-namespace, --dns-pod-label and --dns-cidr; the operator will
// take the same from the stack's spec.
struct DnsOptions {
  std::string namespaceName = "kube-system";
  std::string podLabelKey = "k8s-app";
  std::string podLabelValue = "kube-dns";
  std::vector<std::string> cidrs;
};

// An error unless the namespace is a valid name, the pod label a valid label and every CIDR
// an IPv4 or IPv6 network in canonical form (address bits beyond the prefix are zero).
Status checkDnsOptions(const DnsOptions& dns);

// How the Service of a service with published ports is exposed. ClusterIP keeps them inside
// the cluster (the default); NodePort and LoadBalancer expose them beyond it.
enum class PublishType { kClusterIP, kNodePort, kLoadBalancer };

// ClusterIP | NodePort | LoadBalancer, as Kubernetes spells the Service type.
std::string_view toString(PublishType type);

struct TranslateOptions {
  std::string namespaceName;  // empty: objects carry no namespace
  SecurityProfile profile = SecurityProfile::kRestricted;
  std::map<std::string, std::string> images;  // compose service -> image (--image)
  // Relative bind mounts of small files become ConfigMaps (the convert command has the
  // files); the operator turns this off.
  bool allowBindFiles = true;
  DnsOptions dns;
  // The stack's name in every object name and label, whatever the project's `name:` says
  // (the operator passes the ComposeStack's name, so that two stacks in one namespace never
  // share labels). A DNS-1123 label; empty: the sanitised project name.
  std::string stackName;
  // Variables whose values come from Kubernetes Secrets (the operator's variablesFrom
  // secretRef). Their values, as interpolation used them (Project::substitutedVariables),
  // reach the cluster only inside a Secret: each is a known credential of the stack, whatever
  // the variable's name and however short (literal_guard.h says how short values are
  // searched), and a config that takes one by `environment:` is refused.
  std::set<std::string> secretVariables;
  // The type of the Service that exposes a service's published ports (ports bound to a
  // loopback address stay ClusterIP). The kompose.service.type label of a service wins.
  PublishType publishType = PublishType::kClusterIP;
};

// The objects in apply order; warnings are added to `warnings`, also when it fails. The
// operator calls translateStack() (translation.h), which returns the same objects with what
// each service owns and coded diagnostics.
Result<std::vector<Object>> translate(const load::Project& project, const TranslateOptions& options,
                                      Warnings& warnings);

}  // namespace cop::translate
