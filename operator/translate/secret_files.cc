// Top-level secrets -> Secrets, configs -> ConfigMaps, and the mounts that put them where
// compose puts them (/run/secrets/<target>, a config's target). Secret material only ever
// lands in a Secret's data: never in a pod spec, an annotation, a warning or a log line.

#include <algorithm>
#include <map>
#include <set>

#include "operator/common/base64.h"
#include "operator/common/credentials.h"
#include "operator/load/paths.h"
#include "operator/translate/defaults.h"
#include "operator/translate/stack_context.h"

namespace cop::translate::detail {

namespace {

// Kubernetes' rule for env var names (v1.34+, RelaxedEnvironmentVariableValidation, GA and
// the only rule in the pinned v1.36): not empty, printable ASCII, no '='.
bool isEnvVarName(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(),
                                      [](char c) { return c >= ' ' && c <= '~' && c != '='; });
}

// The name as a message may show it: one line, no control or non-ASCII byte.
std::string printableName(const std::string& name) {
  std::string out;
  for (char c : name) {
    out += (c >= ' ' && c <= '~') ? c : '?';
  }
  return out;
}

// The object a reference points to: ours (stack-prefixed) or an external one by its name.
std::string objectName(const load::FileObject& object, const StackContext& stack) {
  return object.external ? object.externalName : stack.stackName(object.name);
}

// External objects must already carry a valid name; ours must not collide once sanitised.
Status claimName(const load::FileObject& object, const std::string& kind, const std::string& what,
                 StackContext& stack) {
  const std::string name = objectName(object, stack);
  if (object.external) {
    if (!isDns1123Subdomain(name)) {
      return stack.failAt(
          codes::kInvalidName, object.origin,
          "the external " + what + " name '" + name + "' is not a valid Kubernetes name");
    }
    return {};
  }
  return stack.names.claim(kind, name, what + " '" + object.name + "'", object.origin);
}

Object mountMode(std::uint32_t mode) {
  return Object(static_cast<int>(mode));
}

}  // namespace

Status addStackSecretObjects(StackContext& stack) {
  std::set<std::string> usedSecrets;
  std::set<std::string> usedConfigs;
  for (const load::Service& service : stack.project.services) {
    for (const auto& ref : service.secrets) {
      usedSecrets.insert(ref.source);
    }
    for (const auto& ref : service.configs) {
      usedConfigs.insert(ref.source);
    }
  }
  for (const std::string& name : usedSecrets) {
    const load::FileObject& secret = stack.project.secrets.at(name);
    COP_TRY(claimName(secret, "Secret", "secret", stack));
    if (secret.external) {
      continue;
    }
    Object object = Object::object();
    object["apiVersion"] = "v1";
    object["kind"] = "Secret";
    object["metadata"] = stack.metadata(stack.stackName(name), stack.stackLabels(stack.stack));
    object["type"] = "Opaque";
    object["data"] = Object{{sanitizeConfigKey(name), base64Encode(secret.content)}};
    stack.objects.push_back(std::move(object));
  }
  for (const std::string& name : usedConfigs) {
    const load::FileObject& config = stack.project.configs.at(name);
    COP_TRY(claimName(config, "ConfigMap", "config", stack));
    if (config.external) {
      continue;
    }
    // Its whole content is the value of a variable from a Kubernetes Secret, however short
    // (the literal guard searches only for longer ones inside ConfigMaps).
    if (config.sourceKind == "environment" &&
        stack.options.secretVariables.contains(config.sourceDetail)) {
      return stack.failAt(codes::kCredentialLiteral, config.origin,
                          "the config '" + name + "' takes the variable " + config.sourceDetail +
                              ", whose value comes from a Secret, and a ConfigMap would hold it "
                              "as a literal; refused: make it a secret");
    }
    Object object = Object::object();
    object["apiVersion"] = "v1";
    object["kind"] = "ConfigMap";
    object["metadata"] = stack.metadata(stack.stackName(name), stack.stackLabels(stack.stack));
    setConfigMapContent(object, sanitizeConfigKey(name), config.content);
    stack.objects.push_back(std::move(object));
  }
  return {};
}

Status addSecretsAndConfigs(ServiceContext& svc, StackContext& stack) {
  const load::Service& s = svc.service;
  // Secrets with a relative target share one projected volume at /run/secrets.
  Object projectedSources = Object::array();
  for (const load::FileReference& ref : s.secrets) {
    const load::FileObject& secret = stack.project.secrets.at(ref.source);
    if (ref.hasOwner) {
      stack.warn(codes::kIgnoredValue, ref.origin,
                 "uid and gid are not carried over: the secret's files belong to the "
                 "pod's fsGroup");
    }
    const std::string target = ref.target.empty() ? ref.source : ref.target;
    const std::string key = sanitizeConfigKey(ref.source);
    const std::uint32_t mode = ref.mode.value_or(kDefaultSecretMode);
    if (target.starts_with('/')) {
      const std::string volumeName = sanitizeName("secret-" + ref.source);
      const std::string fileName = sanitizeConfigKey(load::fileNameOf(target));
      COP_TRY(addMount(
          svc, stack, ref.origin,
          Object{{"name", volumeName},
                 {"secret", Object{{"secretName", objectName(secret, stack)},
                                   {"items", Object::array({Object{{"key", key},
                                                                   {"path", fileName},
                                                                   {"mode", mountMode(mode)}}})},
                                   {"defaultMode", mountMode(kDefaultSecretMode)}}}},
          Object{{"name", volumeName},
                 {"mountPath", target},
                 {"subPath", fileName},
                 {"readOnly", true}}));
      continue;
    }
    projectedSources.push_back(Object{
        {"secret",
         Object{{"name", objectName(secret, stack)},
                {"items", Object::array({Object{
                              {"key", key}, {"path", target}, {"mode", mountMode(mode)}}})}}}});
  }
  if (!projectedSources.empty()) {
    COP_TRY(addMount(svc, stack, s.originOf("secrets"),
                     Object{{"name", "secrets"},
                            {"projected", Object{{"sources", std::move(projectedSources)},
                                                 {"defaultMode", mountMode(kDefaultSecretMode)}}}},
                     Object{{"name", "secrets"}, {"mountPath", kSecretsDir}, {"readOnly", true}}));
  }
  for (const load::FileReference& ref : s.configs) {
    const load::FileObject& config = stack.project.configs.at(ref.source);
    if (ref.hasOwner) {
      stack.warn(codes::kIgnoredValue, ref.origin,
                 "uid and gid are not carried over: the config's files belong to the "
                 "pod's fsGroup");
    }
    std::string target = ref.target.empty() ? "/" + ref.source : ref.target;
    if (!target.starts_with('/')) {
      target = "/" + target;
    }
    const std::string key = sanitizeConfigKey(ref.source);
    const std::string fileName = sanitizeConfigKey(load::fileNameOf(target));
    const std::string volumeName = sanitizeName("config-" + ref.source);
    COP_TRY(addMount(
        svc, stack, ref.origin,
        Object{{"name", volumeName},
               {"configMap",
                Object{{"name", objectName(config, stack)},
                       {"items", Object::array({Object{
                                     {"key", key},
                                     {"path", fileName},
                                     {"mode", mountMode(ref.mode.value_or(kDefaultConfigMode))}}})},
                       {"defaultMode", mountMode(kDefaultConfigMode)}}}},
        Object{{"name", volumeName},
               {"mountPath", target},
               {"subPath", fileName},
               {"readOnly", true}}));
  }
  return {};
}

Status addEnvironment(ServiceContext& svc, StackContext& stack) {
  const load::Service& s = svc.service;
  Object secretData = Object::object();
  std::map<std::string, std::string> keyOwners;  // Secret key -> the variable it holds
  const std::string secretName = stack.envSecretName(svc.name);
  for (const auto& [name, value] : s.environment) {
    if (!isEnvVarName(name)) {
      return stack.failAt(codes::kInvalidEnvironmentName, s.originOf("environment"),
                          "the environment variable name '" + printableName(name) +
                              "' is not valid on Kubernetes (printable ASCII, no '=')");
    }
    // Credentials by name or by value (credentials.h) move into the Secret. An empty value
    // holds nothing to hide.
    if (!value.empty() && isCredential(name, value)) {
      const std::string key = sanitizeConfigKey(name);
      if (auto [it, inserted] = keyOwners.emplace(key, name); !inserted) {
        return stack.failAt(codes::kNameCollision, s.originOf("environment"),
                            "the environment variables " + printableName(it->second) + " and " +
                                printableName(name) + " both become the Secret key " + key +
                                "; rename one of them");
      }
      secretData[key] = base64Encode(value);
      svc.env.push_back(Object{
          {"name", name},
          {"valueFrom", Object{{"secretKeyRef", Object{{"name", secretName}, {"key", key}}}}}});
    } else {
      svc.env.push_back(Object{{"name", name}, {"value", escapeDollar(value)}});
    }
  }
  if (!secretData.empty()) {
    COP_TRY(stack.names.claim("Secret", secretName, "the environment of service '" + s.name + "'",
                              s.originOf("environment")));
    Object object = Object::object();
    object["apiVersion"] = "v1";
    object["kind"] = "Secret";
    object["metadata"] = stack.metadata(secretName, svc.labels);
    object["type"] = "Opaque";
    object["data"] = std::move(secretData);
    stack.objects.push_back(std::move(object));
  }
  return {};
}

}  // namespace cop::translate::detail
