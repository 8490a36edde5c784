// environment, env_file, labels, label_file, annotations.

#include <algorithm>
#include <map>
#include <unordered_map>

#include "operator/load/dotenv.h"
#include "operator/load/load_budget.h"
#include "operator/load/paths.h"
#include "operator/load/service_parser_parts.h"

namespace cop::load::detail {

namespace {

// Env and label files are text of a few kilobytes; the bound keeps a mistaken path (a log
// file, a disk image) from being read whole.
constexpr std::size_t kMaxEnvFileBytes = 1024 * 1024;

struct EnvFileRef {
  std::string path;
  bool required = true;
  bool raw = false;
  const Node* node = nullptr;
  std::string nodePath;
};

Result<std::vector<EnvFileRef>> readEnvFileRefs(const Node& value, const std::string& path) {
  std::vector<EnvFileRef> refs;
  if (value.isScalar()) {
    refs.push_back(EnvFileRef{value.text(), true, false, &value, path});
    return refs;
  }
  if (!value.isSequence()) {
    return failAt(value, path, "expected a file path or a list of them, found " + value.describe());
  }
  for (std::size_t i = 0; i < value.items().size(); ++i) {
    const Node& item = value.items()[i];
    const std::string itemPath = indexPath(path, i);
    if (item.isScalar()) {
      refs.push_back(EnvFileRef{item.text(), true, false, &item, itemPath});
      continue;
    }
    COP_ASSIGN_OR_RETURN(fields, MappingReader::open(item, itemPath));
    COP_ASSIGN_OR_RETURN(filePath, fields.string("path"));
    if (!filePath) {
      return failAt(item, itemPath, "an env_file entry needs a path");
    }
    COP_ASSIGN_OR_RETURN(required, fields.boolean("required"));
    COP_ASSIGN_OR_RETURN(format, fields.string("format"));
    if (format && *format != "raw") {
      return fields.failKey("format", "unknown env_file format '" + *format + "' (known: raw)");
    }
    COP_TRY(fields.rejectUnknown("an env_file entry"));
    refs.push_back(
        EnvFileRef{*filePath, required.value_or(true), format.has_value(), &item, itemPath});
  }
  return refs;
}

// Reads the files of env_file or label_file, in order, later files winning.
Result<EnvList> readKeyValueFiles(const Node& value, const std::string& path,
                                  ParseContext& context) {
  COP_ASSIGN_OR_RETURN(refs, readEnvFileRefs(value, path));
  EnvList merged;
  std::unordered_map<std::string, std::size_t> positions;  // key -> index in merged
  for (const auto& ref : refs) {
    const std::string resolved = joinPath(context.projectDir, ref.path);
    auto text = context.reader.read(resolved, kMaxEnvFileBytes);
    if (!text) {
      if (!ref.required && text.error().kind == ReadFailure::kNotFound) {
        continue;
      }
      return failAt(*ref.node, ref.nodePath, "cannot read " + text.error().message);
    }
    COP_ASSIGN_OR_RETURN(entries,
                         parseDotenv(*text, resolved, context.lookup, ref.raw, context.budget));
    for (auto& [key, entryValue] : entries) {
      if (auto it = positions.find(key); it != positions.end()) {
        merged[it->second].second = std::move(entryValue);
      } else {
        positions.emplace(key, merged.size());
        merged.emplace_back(key, std::move(entryValue));
      }
    }
  }
  return merged;
}

// The loader bounds each field's entries in the compose files; env and label files add more.
Status checkEntryCount(std::size_t count, MappingReader& fields, const std::string& field,
                       const ParseContext& context) {
  if (context.budget == nullptr || count <= context.budget->limits().maxEntries) {
    return {};
  }
  const Node* node = fields.get(field);
  if (node == nullptr) {
    node = fields.get(field == "labels" ? "label_file" : "env_file");
  }
  const std::string message = std::to_string(count) + " entries with its files, more than the " +
                              std::to_string(context.budget->limits().maxEntries) +
                              " one field of a service may have";
  if (node == nullptr) {
    return fail(message, fields.pathOf(field));
  }
  return failAt(*node, fields.pathOf(field), message);
}

}  // namespace

Status parseEnvironment(MappingReader& fields, Service& service, ParseContext& context) {
  std::map<std::string, std::string> environment;
  if (const Node* envFile = fields.get("env_file")) {
    COP_ASSIGN_OR_RETURN(entries, readKeyValueFiles(*envFile, fields.pathOf("env_file"), context));
    for (auto& [key, value] : entries) {
      environment[key] = std::move(value);
    }
  }
  if (const Node* env = fields.get("environment")) {
    COP_ASSIGN_OR_RETURN(pairs,
                         readKeyValues(*env, fields.pathOf("environment"), &context.warnings));
    for (auto& [key, value] : pairs) {
      if (value) {
        environment[key] = std::move(*value);
      } else if (auto resolved = context.lookup(key)) {
        environment[key] = std::move(*resolved);
      } else {
        // Compose removes a key-only variable that the environment does not set.
        environment.erase(key);
      }
    }
  }
  COP_TRY(checkEntryCount(environment.size(), fields, "environment", context));
  service.environment.assign(environment.begin(), environment.end());
  return {};
}

Status parseLabels(MappingReader& fields, Service& service, ParseContext& context) {
  if (const Node* labelFile = fields.get("label_file")) {
    COP_ASSIGN_OR_RETURN(entries,
                         readKeyValueFiles(*labelFile, fields.pathOf("label_file"), context));
    for (auto& [key, value] : entries) {
      service.labels[key] = std::move(value);
    }
  }
  if (const Node* labels = fields.get("labels")) {
    COP_ASSIGN_OR_RETURN(pairs, readKeyValues(*labels, fields.pathOf("labels"), &context.warnings));
    for (auto& [key, value] : pairs) {
      service.labels[key] = value.value_or("");
    }
  }
  COP_TRY(checkEntryCount(service.labels.size(), fields, "labels", context));
  if (const Node* annotations = fields.get("annotations")) {
    COP_ASSIGN_OR_RETURN(
        pairs, readKeyValues(*annotations, fields.pathOf("annotations"), &context.warnings));
    for (auto& [key, value] : pairs) {
      service.annotations[key] = value.value_or("");
    }
  }
  return {};
}

}  // namespace cop::load::detail
