#include "operator/stack/stack_spec.h"

#include <algorithm>
#include <set>

#include "operator/translate/names.h"

namespace cop::stack {

namespace {

using Json = nlohmann::json;

Unexpected<std::string> bad(const std::string& field, const std::string& message) {
  return Unexpected(field + ": " + message);
}

Expected<std::string, std::string> stringField(const Json& object, const std::string& key,
                                               const std::string& field, bool required) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) {
      return bad(field + "." + key, "required");
    }
    return std::string();
  }
  if (!it->is_string()) {
    return bad(field + "." + key, "must be a string");
  }
  return it->get<std::string>();
}

// Secret and ConfigMap keys: [-._a-zA-Z0-9]+, at most 253 characters (as the API server checks).
bool isDataKey(const std::string& key) {
  constexpr std::size_t kMaxKeyLength = 253;
  return !key.empty() && key.size() <= kMaxKeyLength && key != "." && key != ".." &&
         std::all_of(key.begin(), key.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
         });
}

Expected<KeyReference, std::string> keyReference(const Json& object, SourceKind kind,
                                                 const std::string& field) {
  if (!object.is_object()) {
    return bad(field, "must be an object with name and key");
  }
  auto name = stringField(object, "name", field, true);
  if (!name) {
    return Unexpected(name.error());
  }
  auto key = stringField(object, "key", field, true);
  if (!key) {
    return Unexpected(key.error());
  }
  if (!translate::isDns1123Subdomain(*name)) {
    return bad(field + ".name", "'" + *name + "' is not a valid object name");
  }
  if (!isDataKey(*key)) {
    return bad(field + ".key", "'" + *key + "' is not a valid key");
  }
  return KeyReference{kind, *name, *key};
}

Expected<std::map<std::string, std::string>, std::string> stringMap(const Json& spec,
                                                                    const std::string& key) {
  std::map<std::string, std::string> out;
  const auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) {
    return out;
  }
  if (!it->is_object()) {
    return bad("spec." + key, "must be a map of strings");
  }
  for (const auto& [name, value] : it->items()) {
    if (!value.is_string()) {
      return bad("spec." + key + "." + name, "must be a string");
    }
    out.emplace(name, value.get<std::string>());
  }
  return out;
}

Expected<std::vector<std::string>, std::string> stringList(const Json& spec,
                                                           const std::string& key) {
  std::vector<std::string> out;
  const auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) {
    return out;
  }
  if (!it->is_array()) {
    return bad("spec." + key, "must be a list of strings");
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      return bad("spec." + key + "[" + std::to_string(i) + "]", "must be a string");
    }
    out.push_back((*it)[i].get<std::string>());
  }
  return out;
}

Expected<std::string, std::string> enumField(const Json& spec, const std::string& key,
                                             std::initializer_list<const char*> allowed) {
  auto value = stringField(spec, key, "spec", false);
  if (!value) {
    return Unexpected(value.error());
  }
  if (value->empty()) {
    return std::string(*allowed.begin());  // the first is the default
  }
  std::string choices;
  for (const char* choice : allowed) {
    if (*value == choice) {
      return *value;
    }
    choices += (choices.empty() ? "" : ", ") + std::string(choice);
  }
  return bad("spec." + key, "'" + *value + "' is not one of " + choices);
}

Expected<std::vector<VariableSource>, std::string> variableSources(const Json& spec) {
  std::vector<VariableSource> out;
  const auto it = spec.find("variablesFrom");
  if (it == spec.end() || it->is_null()) {
    return out;
  }
  if (!it->is_array()) {
    return bad("spec.variablesFrom", "must be a list");
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    const std::string field = "spec.variablesFrom[" + std::to_string(i) + "]";
    const Json& item = (*it)[i];
    if (!item.is_object()) {
      return bad(field, "must be an object");
    }
    const bool hasSecret = item.contains("secretRef") && !item["secretRef"].is_null();
    const bool hasConfigMap = item.contains("configMapRef") && !item["configMapRef"].is_null();
    if (hasSecret == hasConfigMap) {
      return bad(field, "needs exactly one of secretRef and configMapRef");
    }
    const std::string refKey = hasSecret ? "secretRef" : "configMapRef";
    const Json& ref = item[refKey];
    if (!ref.is_object()) {
      return bad(field + "." + refKey, "must be an object with a name");
    }
    auto name = stringField(ref, "name", field + "." + refKey, true);
    if (!name) {
      return Unexpected(name.error());
    }
    if (!translate::isDns1123Subdomain(*name)) {
      return bad(field + "." + refKey + ".name", "'" + *name + "' is not a valid object name");
    }
    auto prefix = stringField(item, "prefix", field, false);
    if (!prefix) {
      return Unexpected(prefix.error());
    }
    const auto optional = ref.find("optional");
    if (optional != ref.end() && !optional->is_null() && !optional->is_boolean()) {
      return bad(field + "." + refKey + ".optional", "must be true or false");
    }
    out.push_back({hasSecret ? SourceKind::kSecret : SourceKind::kConfigMap, *name, *prefix,
                   optional != ref.end() && optional->is_boolean() && optional->get<bool>()});
  }
  return out;
}

Expected<std::vector<FileMapping>, std::string> fileMappings(const Json& spec) {
  std::vector<FileMapping> out;
  const auto it = spec.find("files");
  if (it == spec.end() || it->is_null()) {
    return out;
  }
  if (!it->is_array()) {
    return bad("spec.files", "must be a list");
  }
  std::set<std::string> paths;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const std::string field = "spec.files[" + std::to_string(i) + "]";
    const Json& item = (*it)[i];
    if (!item.is_object()) {
      return bad(field, "must be an object");
    }
    auto path = stringField(item, "path", field, true);
    if (!path) {
      return Unexpected(path.error());
    }
    if (path->empty()) {
      return bad(field + ".path", "must not be empty");
    }
    if (!paths.insert(*path).second) {
      return bad(field + ".path", "'" + *path + "' is mapped twice");
    }
    const bool hasSecret = item.contains("secretKeyRef") && !item["secretKeyRef"].is_null();
    const bool hasConfigMap =
        item.contains("configMapKeyRef") && !item["configMapKeyRef"].is_null();
    if (hasSecret == hasConfigMap) {
      return bad(field, "needs exactly one of secretKeyRef and configMapKeyRef");
    }
    auto source =
        hasSecret ? keyReference(item["secretKeyRef"], SourceKind::kSecret, field + ".secretKeyRef")
                  : keyReference(item["configMapKeyRef"], SourceKind::kConfigMap,
                                 field + ".configMapKeyRef");
    if (!source) {
      return Unexpected(source.error());
    }
    out.push_back({*path, *source});
  }
  return out;
}

}  // namespace

bool isValidStackName(const std::string& name) {
  return name.size() <= kMaxStackNameLength && translate::isDns1123Label(name);
}

Expected<StackSpec, std::string> parseStackSpec(const Json& spec) {
  if (!spec.is_object()) {
    return bad("spec", "required");
  }
  StackSpec out;
  const bool hasCompose = spec.contains("compose") && !spec["compose"].is_null();
  const bool hasComposeFrom = spec.contains("composeFrom") && !spec["composeFrom"].is_null();
  if (hasCompose == hasComposeFrom) {
    return bad("spec", "needs exactly one of compose and composeFrom");
  }
  if (hasCompose) {
    auto compose = stringField(spec, "compose", "spec", true);
    if (!compose) {
      return Unexpected(compose.error());
    }
    if (compose->size() > kMaxComposeBytes) {
      return bad("spec.compose", "longer than " + std::to_string(kMaxComposeBytes) + " bytes");
    }
    out.compose = std::move(*compose);
  } else {
    const Json& from = spec["composeFrom"];
    if (!from.is_object() || !from.contains("configMapKeyRef")) {
      return bad("spec.composeFrom", "needs configMapKeyRef with name and key");
    }
    auto ref = keyReference(from["configMapKeyRef"], SourceKind::kConfigMap,
                            "spec.composeFrom.configMapKeyRef");
    if (!ref) {
      return Unexpected(ref.error());
    }
    out.composeFrom = *ref;
  }
  auto overrides = stringList(spec, "overrides");
  if (!overrides) {
    return Unexpected(overrides.error());
  }
  if (overrides->size() > kMaxOverrides) {
    return bad("spec.overrides", "more than " + std::to_string(kMaxOverrides) + " overrides");
  }
  out.overrides = std::move(*overrides);
  auto variables = stringMap(spec, "variables");
  if (!variables) {
    return Unexpected(variables.error());
  }
  out.variables = std::move(*variables);
  auto sources = variableSources(spec);
  if (!sources) {
    return Unexpected(sources.error());
  }
  out.variablesFrom = std::move(*sources);
  auto files = fileMappings(spec);
  if (!files) {
    return Unexpected(files.error());
  }
  out.files = std::move(*files);
  auto profiles = stringList(spec, "profiles");
  if (!profiles) {
    return Unexpected(profiles.error());
  }
  out.profiles = std::move(*profiles);
  auto images = stringMap(spec, "images");
  if (!images) {
    return Unexpected(images.error());
  }
  out.images = std::move(*images);
  auto profile = enumField(spec, "securityProfile", {"restricted", "baseline"});
  if (!profile) {
    return Unexpected(profile.error());
  }
  out.securityProfile = *profile;
  auto publish = enumField(spec, "publish", {"ClusterIP", "NodePort", "LoadBalancer"});
  if (!publish) {
    return Unexpected(publish.error());
  }
  out.publish = *publish;
  auto retention = enumField(spec, "volumeRetention", {"Retain", "Delete"});
  if (!retention) {
    return Unexpected(retention.error());
  }
  out.volumeRetention =
      *retention == "Delete" ? VolumeRetention::kDelete : VolumeRetention::kRetain;
  const auto suspend = spec.find("suspend");
  if (suspend != spec.end() && !suspend->is_null()) {
    if (!suspend->is_boolean()) {
      return bad("spec.suspend", "must be true or false");
    }
    out.suspend = suspend->get<bool>();
  }
  return out;
}

}  // namespace cop::stack
