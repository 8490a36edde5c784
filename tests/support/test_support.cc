#include "tests/support/test_support.h"

#include <yaml-cpp/yaml.h>

#include <regex>

#include "operator/emit/writers.h"
#include "operator/load/source_reader.h"

namespace cop::testing {

Result<load::Project> loadText(const std::string& compose, Warnings& warnings,
                               std::map<std::string, std::string> extraFiles,
                               load::LoadOptions options) {
  load::MemoryReader reader(std::move(extraFiles));
  reader.add("compose.yaml", compose);
  if (options.files.empty()) {
    options.files = {"compose.yaml"};
  }
  if (options.projectName.empty()) {
    options.projectName = "demo";
  }
  return load::loadProject(options, reader, warnings);
}

Converted convertText(const std::string& compose, translate::TranslateOptions options,
                      std::map<std::string, std::string> extraFiles,
                      load::LoadOptions loadOptions) {
  Converted out;
  auto project = loadText(compose, out.warnings, std::move(extraFiles), std::move(loadOptions));
  if (!project) {
    out.objects = Unexpected(project.error());
    return out;
  }
  out.objects = translate::translate(*project, options, out.warnings);
  return out;
}

translate::Object findObject(const std::vector<translate::Object>& objects, const std::string& kind,
                             const std::string& name) {
  for (const auto& object : objects) {
    if (object["kind"] == kind && (name.empty() || object["metadata"]["name"] == name)) {
      return object;
    }
  }
  return translate::Object();
}

namespace {

nlohmann::json toJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      if (node.Tag() != "?") {
        return text;  // quoted or block: a string
      }
      static const std::regex kInt(R"(^-?(0|[1-9][0-9]*)$)");
      static const std::regex kFloat(R"(^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$)");
      if (text == "true" || text == "false") {
        return text == "true";
      }
      if (text == "null" || text == "~") {
        return nullptr;
      }
      if (std::regex_match(text, kInt)) {
        return std::stoll(text);
      }
      if (std::regex_match(text, kFloat)) {
        return std::stod(text);
      }
      return text;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) {
        out.push_back(toJson(item));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& pair : node) {
        out[pair.first.Scalar()] = toJson(pair.second);
      }
      return out;
    }
  }
  return nullptr;
}

}  // namespace

std::vector<nlohmann::json> yamlStreamToJson(const std::string& text) {
  std::vector<nlohmann::json> out;
  for (const YAML::Node& document : YAML::LoadAll(text)) {
    if (!document.IsNull()) {
      out.push_back(toJson(document));
    }
  }
  return out;
}

load::VariableLookup lookupFrom(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

std::string joinWarnings(const Warnings& warnings) {
  std::string out;
  for (const auto& warning : warnings.items()) {
    out += warning.format() + "\n";
  }
  return out;
}

std::string visibleText(std::vector<translate::Object> objects) {
  for (translate::Object& object : objects) {
    if (object["kind"] == "Secret") {
      object.erase("data");
      object.erase("stringData");
    }
  }
  return emit::toYamlStream(objects) + emit::toJsonList(objects);
}

}  // namespace cop::testing
