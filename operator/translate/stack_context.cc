#include "operator/translate/stack_context.h"

#include <arpa/inet.h>

#include <algorithm>

#include "operator/common/base64.h"
#include "operator/common/utf8.h"
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

std::string StackContext::envSecretName(std::string_view service) const {
  return stackName(std::string(service) + "-env");
}

const load::Service* StackContext::serviceOf(const Object& object) const {
  const auto meta = object.find("metadata");
  if (meta == object.end() || !meta->contains("labels")) {
    return nullptr;
  }
  const Object& labels = (*meta)["labels"];
  const auto label = labels.find(std::string(kServiceLabel));
  if (label == labels.end() || !label->is_string()) {
    return nullptr;
  }
  const auto it = servicesByName.find(label->get<std::string>());
  return it == servicesByName.end() ? nullptr : it->second;
}

void StackContext::warn(std::string_view code, const load::Origin& origin,
                        std::string message) const {
  warnings.push_back(StackDiagnostic{
      Diagnostic{std::move(message), origin.file, origin.line, origin.path, std::string(code)},
      current != nullptr ? current->name : std::string(), std::string(code),
      codes::permanenceOf(code)});
}

Unexpected<Error> StackContext::failAt(std::string_view code, const load::Origin& origin,
                                       std::string message) const {
  return Unexpected(
      Error{std::move(message), origin.file, origin.line, origin.path, std::string(code)});
}

Unexpected<Error> failWith(std::string_view code, std::string message) {
  return Unexpected(Error{std::move(message), {}, 0, {}, std::string(code)});
}

// Every mount goes through here: one target per container, and one pod volume per source.
// Two mounts of the same source share its pod volume; two different sources whose names
// collide (after sanitising, or a config mounted twice with different items) get distinct
// names, so that two claims are never mounted as one.
Status addMount(ServiceContext& svc, StackContext& stack, const load::Origin& origin, Object volume,
                Object mount) {
  for (const auto& existing : svc.mounts) {
    if (existing["mountPath"] == mount["mountPath"]) {
      return stack.failAt(codes::kMountConflict, origin,
                          "two mounts share the target " + mount["mountPath"].get<std::string>());
    }
  }
  const std::string wanted = volume["name"].get<std::string>();
  std::string name = wanted;
  for (int attempt = 0;; ++attempt) {
    const Object* taken = nullptr;
    for (const auto& existing : svc.volumes) {
      if (existing["name"] == name) {
        taken = &existing;
      }
    }
    volume["name"] = name;
    if (taken == nullptr) {
      svc.volumes.push_back(std::move(volume));
      break;
    }
    if (*taken == volume) {
      break;  // the same source, mounted again: share its pod volume
    }
    if (attempt == 1) {
      // Only a hash collision gets here: refuse rather than mount one source as another.
      return stack.failAt(
          codes::kNameCollision, origin,
          "the pod volume '" + wanted + "' would stand for two different sources; rename one");
    }
    name = sanitizeName(wanted + "-" + shortHash(volume.dump()));
  }
  mount["name"] = name;
  svc.mounts.push_back(std::move(mount));
  return {};
}

void setConfigMapContent(Object& configMap, const std::string& key, const std::string& content) {
  if (isValidUtf8(content)) {
    configMap["data"] = Object{{key, content}};
  } else {
    configMap["binaryData"] = Object{{key, base64Encode(content)}};
  }
}

std::string doubleDollars(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '$') {
      out += '$';
    }
    out += c;
  }
  return out;
}

std::string escapeDollar(const std::string& text) {
  if (text.find("$(") == std::string::npos && text.find("$$") == std::string::npos) {
    return text;  // Kubernetes leaves other '$' alone
  }
  return doubleDollars(text);
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

bool isLoopbackHost(const std::string& hostIp) {
  if (hostIp == "localhost") {
    return true;
  }
  unsigned char bytes[16] = {};
  if (inet_pton(AF_INET, hostIp.c_str(), bytes) == 1) {
    return bytes[0] == 127;
  }
  if (inet_pton(AF_INET6, hostIp.c_str(), bytes) == 1) {
    static constexpr unsigned char kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                                     0, 0, 0, 0, 0, 0, 0, 1};
    static constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::equal(bytes, bytes + 16, kLoopback6) ||
           (std::equal(bytes, bytes + 12, kMappedPrefix) && bytes[12] == 127);
  }
  return false;
}

bool isNetworkIsolated(const load::Service& service) {
  return service.networkMode == "none";
}

std::vector<std::string> serviceNetworks(const load::Service& service) {
  std::vector<std::string> out;
  if (isNetworkIsolated(service)) {
    return out;  // network_mode: none is on no network at all
  }
  if (service.networks.empty()) {
    out.push_back("default");
    return out;
  }
  for (const auto& [name, attachment] : service.networks) {
    out.push_back(sanitizeName(name));
  }
  return out;
}

bool hasExternalEgress(const load::Service& service, const load::Project& project) {
  if (isNetworkIsolated(service)) {
    return false;
  }
  auto internal = [&project](const std::string& name) {
    auto it = project.networks.find(name);
    return it != project.networks.end() && it->second.internal;
  };
  if (service.networks.empty()) {
    return !internal("default");
  }
  for (const auto& [name, attachment] : service.networks) {
    if (!internal(name)) {
      return true;
    }
  }
  return false;
}

}  // namespace cop::translate::detail
