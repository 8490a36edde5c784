#pragma once

// The translate stage: typed compose Project -> Kubernetes objects, hardened by default.
// Pure: no filesystem, no environment, no clock. The same input gives the same objects in
// the same order.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
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

struct TranslateOptions {
  std::string namespaceName;  // empty: objects carry no namespace
  SecurityProfile profile = SecurityProfile::kRestricted;
  std::map<std::string, std::string> images;  // compose service -> image (--image)
  // Relative bind mounts of small files become ConfigMaps (the convert command has the
  // files); the operator turns this off.
  bool allowBindFiles = true;
  DnsOptions dns;
};

Result<std::vector<Object>> translate(const load::Project& project, const TranslateOptions& options,
                                      Warnings& warnings);

}  // namespace cop::translate
