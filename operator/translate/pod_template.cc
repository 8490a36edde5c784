// One compose service -> its pod template: the container (image, command, env, ports,
// resources, probes, security context, mounts) and the pod around it (security context,
// service account, host aliases, placement, grace period).

#include <arpa/inet.h>

#include <algorithm>
#include <map>

#include "operator/load/units.h"
#include "operator/translate/defaults.h"
#include "operator/translate/stack_context.h"

namespace cop::translate::detail {

namespace {

Object stringArray(const std::vector<std::string>& items, bool escape) {
  Object out = Object::array();
  for (const std::string& item : items) {
    out.push_back(escape ? escapeDollar(item) : item);
  }
  return out;
}

Result<std::string> pullPolicy(const load::Service& s, const StackContext& stack) {
  const std::string& policy = s.pullPolicy;
  if (policy.empty()) {
    return std::string();
  }
  if (policy == "always") {
    return std::string("Always");
  }
  if (policy == "never") {
    return std::string("Never");
  }
  if (policy == "missing" || policy == "if_not_present") {
    return std::string("IfNotPresent");
  }
  if (policy == "build") {
    stack.warn(codes::kPullPolicyChanged, s.originOf("pull_policy"),
               "pull_policy build cannot build on a cluster; the image is pulled if missing");
    return std::string("IfNotPresent");
  }
  if (policy == "daily" || policy == "weekly" || policy.starts_with("every_")) {
    stack.warn(codes::kPullPolicyChanged, s.originOf("pull_policy"),
               "pull_policy " + policy + " becomes Always: the kubelet has no refresh interval");
    return std::string("Always");
  }
  return stack.failAt(codes::kInvalidPullPolicy, s.originOf("pull_policy"),
                      "unknown pull_policy '" + policy + "'");
}

// Swarm-style constraints on node labels -> required node affinity.
Result<Object> nodeAffinity(const load::Service& s, const StackContext& stack) {
  Object expressions = Object::array();
  for (const load::PlacementConstraint& constraint : s.deploy.constraints) {
    const std::string& text = constraint.expression;
    std::size_t op = text.find("==");
    bool equal = true;
    if (op == std::string::npos) {
      op = text.find("!=");
      equal = false;
    }
    if (op == std::string::npos) {
      return stack.failAt(codes::kInvalidPlacement, constraint.origin,
                          "a placement constraint needs == or != ('" + text + "')");
    }
    auto trim = [](std::string v) {
      v.erase(0, v.find_first_not_of(" \t"));
      v.erase(v.find_last_not_of(" \t") + 1);
      return v;
    };
    const std::string attribute = trim(text.substr(0, op));
    std::string value = trim(text.substr(op + 2));
    std::string key;
    if (attribute.starts_with("node.labels.")) {
      key = attribute.substr(12);
    } else if (attribute == "node.hostname") {
      key = "kubernetes.io/hostname";
    } else if (attribute == "node.platform.os") {
      key = "kubernetes.io/os";
    } else if (attribute == "node.platform.arch") {
      key = "kubernetes.io/arch";
      if (value == "x86_64") {
        value = "amd64";
      } else if (value == "aarch64") {
        value = "arm64";
      }
    } else {
      stack.warn(codes::kIgnoredValue, constraint.origin,
                 "the placement constraint '" + text +
                     "' has no Kubernetes equivalent (only node labels, "
                     "hostname and platform); ignored");
      continue;
    }
    if (!isQualifiedName(key) || !isLabelValue(value)) {
      return stack.failAt(
          codes::kInvalidPlacement, constraint.origin,
          "the placement constraint '" + text + "' does not name a valid node label and value");
    }
    expressions.push_back(Object{
        {"key", key}, {"operator", equal ? "In" : "NotIn"}, {"values", Object::array({value})}});
  }
  if (expressions.empty()) {
    return Object();
  }
  return Object{
      {"nodeAffinity",
       Object{{"requiredDuringSchedulingIgnoredDuringExecution",
               Object{{"nodeSelectorTerms",
                       Object::array({Object{{"matchExpressions", std::move(expressions)}}})}}}}}};
}

Result<Object> nodeSelector(const load::Service& s, const StackContext& stack) {
  if (s.platform.empty()) {
    return Object();
  }
  const std::size_t slash = s.platform.find('/');
  const std::string os = s.platform.substr(0, slash);
  std::string arch = slash == std::string::npos ? "" : s.platform.substr(slash + 1);
  arch = arch.substr(0, arch.find('/'));  // linux/arm64/v8 -> arm64
  if (arch == "x86_64") {
    arch = "amd64";
  } else if (arch == "aarch64") {
    arch = "arm64";
  }
  if (!isLabelValue(os) || !isLabelValue(arch)) {
    return stack.failAt(codes::kInvalidPlatform, s.originOf("platform"),
                        "invalid platform '" + s.platform + "'");
  }
  Object selector = Object{{"kubernetes.io/os", os}};
  if (!arch.empty()) {
    selector["kubernetes.io/arch"] = arch;
  }
  return selector;
}

bool isIpAddress(const std::string& text) {
  in6_addr buffer{};
  return inet_pton(AF_INET, text.c_str(), &buffer) == 1 ||
         inet_pton(AF_INET6, text.c_str(), &buffer) == 1;
}

Result<Object> hostAliases(const load::Service& s, const StackContext& stack) {
  std::map<std::string, std::vector<std::string>> byIp;
  for (const auto& [host, ip] : s.extraHosts) {
    if (ip == "host-gateway") {
      stack.warn(codes::kIgnoredValue, s.originOf("extra_hosts"),
                 "the host-gateway address of " + host + " has no Kubernetes equivalent; ignored");
      continue;
    }
    if (!isIpAddress(ip)) {
      return stack.failAt(codes::kInvalidExtraHost, s.originOf("extra_hosts"),
                          "'" + ip + "' (for " + host + ") is not an IP address");
    }
    if (!isDns1123Subdomain(host)) {
      return stack.failAt(codes::kInvalidExtraHost, s.originOf("extra_hosts"),
                          "'" + host + "' is not a valid host name");
    }
    auto& hosts = byIp[ip];
    if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) {
      hosts.push_back(host);
    }
  }
  Object aliases = Object::array();
  for (const auto& [ip, hosts] : byIp) {
    aliases.push_back(Object{{"ip", ip}, {"hostnames", hosts}});
  }
  return aliases;
}

void collectContainerPorts(ServiceContext& svc) {
  auto add = [&svc](std::uint16_t port, const std::string& protocol) {
    const std::string proto = kubernetesProtocol(protocol);
    for (const auto& existing : svc.containerPorts) {
      if (existing.port == port && existing.protocol == proto) {
        return;
      }
    }
    svc.containerPorts.push_back(ContainerPort{port, proto});
  };
  for (const load::Port& port : svc.service.ports) {
    add(port.target, port.protocol);
  }
  for (const load::ExposedPort& port : svc.service.expose) {
    add(port.port, port.protocol);
  }
}

}  // namespace

Result<Object> podTemplate(ServiceContext& svc, StackContext& stack) {
  const load::Service& s = svc.service;
  COP_TRY(checkForbidden(s, stack));
  collectContainerPorts(svc);
  COP_TRY(addEnvironment(svc, stack));
  COP_TRY(addStorage(svc, stack));
  COP_TRY(addSecretsAndConfigs(svc, stack));

  Object container = Object::object();
  container["name"] = svc.name;
  auto image = stack.options.images.find(s.name);
  container["image"] = image != stack.options.images.end() ? image->second : s.image;
  COP_ASSIGN_OR_RETURN(policy, pullPolicy(s, stack));
  if (!policy.empty()) {
    container["imagePullPolicy"] = policy;
  }
  if (s.entrypoint) {
    container["command"] = stringArray(*s.entrypoint, true);
  }
  if (s.command) {
    container["args"] = stringArray(*s.command, true);
  }
  if (!s.workingDir.empty()) {
    container["workingDir"] = s.workingDir;
  }
  if (!svc.env.empty()) {
    container["env"] = svc.env;
  }
  if (!svc.containerPorts.empty()) {
    Object ports = Object::array();
    for (const ContainerPort& port : svc.containerPorts) {
      ports.push_back(Object{{"containerPort", port.port}, {"protocol", port.protocol}});
    }
    container["ports"] = std::move(ports);
  }
  COP_ASSIGN_OR_RETURN(resources, resourceRequirements(s, stack));
  container["resources"] = std::move(resources);
  COP_TRY(addProbes(container, svc, stack));
  COP_ASSIGN_OR_RETURN(containerContext, containerSecurityContext(s, stack));
  container["securityContext"] = std::move(containerContext);
  // Programs rarely write /dev/termination-log, so a crash would leave no message: with this,
  // its last log lines become the termination message, which the operator shows in the
  // stack's status (secret values redacted), as `docker compose logs` would have shown them.
  container["terminationMessagePolicy"] = "FallbackToLogsOnError";
  container["volumeMounts"] = svc.mounts;
  if (s.tty) {
    container["tty"] = true;
  }
  if (s.stdinOpen) {
    container["stdin"] = true;
  }

  Object spec = Object::object();
  spec["serviceAccountName"] = stack.serviceAccount;
  spec["automountServiceAccountToken"] = false;
  // Docker-link-style variables (WEB_PORT_80_TCP=...) are not compose behaviour.
  spec["enableServiceLinks"] = false;
  COP_ASSIGN_OR_RETURN(podContext, podSecurityContext(s, stack));
  spec["securityContext"] = std::move(podContext);
  if (!s.hostname.empty()) {
    if (!isDns1123Label(s.hostname)) {
      return stack.failAt(codes::kInvalidName, s.originOf("hostname"),
                          "the hostname '" + s.hostname +
                              "' is not a valid DNS label (lower case, at most 63 characters)");
    }
    spec["hostname"] = s.hostname;
  }
  COP_ASSIGN_OR_RETURN(aliases, hostAliases(s, stack));
  if (!aliases.empty()) {
    spec["hostAliases"] = std::move(aliases);
  }
  if (s.stopGracePeriodMs) {
    spec["terminationGracePeriodSeconds"] = load::msToSecondsCeil(*s.stopGracePeriodMs);
  }
  COP_ASSIGN_OR_RETURN(affinity, nodeAffinity(s, stack));
  if (!affinity.is_null()) {
    spec["affinity"] = std::move(affinity);
  }
  COP_ASSIGN_OR_RETURN(selector, nodeSelector(s, stack));
  if (!selector.is_null()) {
    spec["nodeSelector"] = std::move(selector);
  }
  if (auto secret = s.labels.find("kompose.image-pull-secret"); secret != s.labels.end()) {
    if (!isDns1123Subdomain(secret->second)) {
      return stack.failAt(codes::kInvalidName, s.originOf("labels"),
                          "the image pull secret '" + secret->second + "' is not a valid name");
    }
    spec["imagePullSecrets"] = Object::array({Object{{"name", secret->second}}});
  }
  spec["containers"] = Object::array({std::move(container)});
  spec["volumes"] = svc.volumes;

  Object podLabels = svc.userLabels;
  podLabels.update(svc.labels);  // ours win: the selector must match
  for (const std::string& network : serviceNetworks(s)) {
    podLabels[std::string(kNetworkLabelPrefix) + network] = "true";
  }
  // Opt-in labels for the stack's DNS and external egress policies: a pod without them (such
  // as one under network_mode: none) stays under the default deny.
  if (!isNetworkIsolated(s)) {
    podLabels[std::string(kDnsEgressLabel)] = "true";
  }
  svc.externalEgress = hasExternalEgress(s, stack.project);
  if (svc.externalEgress) {
    podLabels[std::string(kExternalEgressLabel)] = "true";
  }
  Object podMeta = Object{{"labels", std::move(podLabels)}};
  if (!svc.userAnnotations.empty()) {
    podMeta["annotations"] = svc.userAnnotations;
  }
  return Object{{"metadata", std::move(podMeta)}, {"spec", std::move(spec)}};
}

}  // namespace cop::translate::detail
