#include "operator/stack/cluster_sources.h"

#include "operator/common/base64.h"

namespace cop::stack {

namespace {

void decodeInto(const nlohmann::json& object, const char* field, SourceObjects::Data& out) {
  const auto it = object.find(field);
  if (it == object.end() || !it->is_object()) {
    return;
  }
  for (const auto& [key, value] : it->items()) {
    if (!value.is_string()) {
      continue;
    }
    if (auto decoded = base64Decode(value.get<std::string>())) {
      out[key] = std::move(*decoded);
    }
  }
}

}  // namespace

SourceObjects::Data objectData(SourceKind kind, const nlohmann::json& object) {
  SourceObjects::Data out;
  if (kind == SourceKind::kSecret) {
    decodeInto(object, "data", out);
    return out;
  }
  const auto data = object.find("data");
  if (data != object.end() && data->is_object()) {
    for (const auto& [key, value] : data->items()) {
      if (value.is_string()) {
        out[key] = value.get<std::string>();
      }
    }
  }
  decodeInto(object, "binaryData", out);
  return out;
}

ClusterSources::ClusterSources(client::ApiClient& api) : api_(api) {
  const client::ResourceMap builtin = client::builtinResourceMap();
  secrets_ = *builtin.forKind("", "v1", "Secret");
  configMaps_ = *builtin.forKind("", "v1", "ConfigMap");
}

Expected<std::optional<SourceObjects::Data>, std::string> ClusterSources::read(
    SourceKind kind, const std::string& nameSpace, const std::string& name) {
  auto object = api_.get(kind == SourceKind::kSecret ? secrets_ : configMaps_, nameSpace, name);
  if (!object) {
    if (client::isNotFound(object.error())) {
      return std::optional<Data>();
    }
    // The error names the object, never its content.
    return Unexpected(object.error().describe());
  }
  return std::optional<Data>(objectData(kind, object->object));
}

}  // namespace cop::stack
