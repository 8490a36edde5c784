#include "operator/translate/stack_context.h"

#include "operator/translate/defaults.h"

namespace cop::translate::detail {

Object StackContext::stackLabels(const std::string& appName) const {
  Object labels = Object::object();
  labels["app.kubernetes.io/name"] = appName;
  labels["app.kubernetes.io/part-of"] = stack;
  labels["app.kubernetes.io/managed-by"] = kManagedBy;
  labels[std::string(kStackLabel)] = stack;
  return labels;
}

Object StackContext::metadata(const std::string& name, Object labels) const {
  Object meta = Object::object();
  meta["name"] = name;
  if (!options.namespaceName.empty()) {
    meta["namespace"] = options.namespaceName;
  }
  meta["labels"] = std::move(labels);
  return meta;
}

std::string StackContext::stackName(std::string_view suffix) const {
  return sanitizeName(stack + "-" + std::string(suffix));
}

void StackContext::warn(const load::Origin& origin, std::string message) const {
  warnings.add(std::move(message), origin.path, origin.file, origin.line);
}

Unexpected<Error> StackContext::failAt(const load::Origin& origin, std::string message) const {
  return fail(std::move(message), origin.path, origin.file, origin.line);
}

// Every mount goes through here: one target per container, one pod volume per name.
Status addMount(ServiceContext& svc, StackContext& stack, const load::Origin& origin, Object volume,
                Object mount) {
  for (const auto& existing : svc.mounts) {
    if (existing["mountPath"] == mount["mountPath"]) {
      return stack.failAt(origin,
                          "two mounts share the target " + mount["mountPath"].get<std::string>());
    }
  }
  bool known = false;
  for (const auto& existing : svc.volumes) {
    known = known || existing["name"] == volume["name"];
  }
  if (!known) {
    svc.volumes.push_back(std::move(volume));
  }
  svc.mounts.push_back(std::move(mount));
  return {};
}

std::string escapeDollar(const std::string& text) {
  if (text.find("$(") == std::string::npos && text.find("$$") == std::string::npos) {
    return text;  // Kubernetes leaves other '$' alone
  }
  std::string out;
  for (char c : text) {
    if (c == '$') {
      out += '$';
    }
    out += c;
  }
  return out;
}

std::string kubernetesProtocol(const std::string& protocol) {
  if (protocol == "udp") {
    return "UDP";
  }
  if (protocol == "sctp") {
    return "SCTP";
  }
  return "TCP";
}

std::vector<std::string> serviceNetworks(const load::Service& service) {
  std::vector<std::string> out;
  if (service.networks.empty()) {
    out.push_back("default");
    return out;
  }
  for (const auto& [name, attachment] : service.networks) {
    out.push_back(sanitizeName(name));
  }
  return out;
}

}  // namespace cop::translate::detail
