#include "operator/stack/stack_inputs.h"

#include <algorithm>
#include <set>

#include "operator/load/dotenv.h"

namespace cop::stack {

namespace {

using Data = SourceObjects::Data;

// Reads each referenced object once per gathering, whatever number of fields name it.
class ReadOnce {
 public:
  ReadOnce(SourceObjects& sources, std::string nameSpace)
      : sources_(sources), nameSpace_(std::move(nameSpace)) {}

  Expected<const Data*, InputProblem> read(SourceKind kind, const std::string& name,
                                           const std::string& field, bool optional) {
    const SourceReference ref{kind, name};
    auto found = cache_.find(ref);
    if (found == cache_.end()) {
      auto data = sources_.read(kind, nameSpace_, name);
      if (!data) {
        return Unexpected(InputProblem{"SourceUnreadable",
                                       field + ": cannot read the " + std::string(kindName(kind)) +
                                           " '" + name + "': " + data.error(),
                                       true});
      }
      found = cache_.emplace(ref, std::move(*data)).first;
    }
    if (!found->second) {
      if (optional) {
        return nullptr;
      }
      const std::string kindText(kindName(kind));
      return Unexpected(InputProblem{"Missing" + kindText,
                                     field + ": the " + kindText + " '" + name +
                                         "' does not exist in the namespace '" + nameSpace_ +
                                         "'; create it (the stack retries when it appears)",
                                     true});
    }
    return &*found->second;
  }

 private:
  SourceObjects& sources_;
  std::string nameSpace_;
  std::map<SourceReference, std::optional<Data>> cache_;
};

Expected<std::string, InputProblem> readKey(ReadOnce& reads, const KeyReference& ref,
                                            const std::string& field) {
  auto data = reads.read(ref.kind, ref.name, field, false);
  if (!data) {
    return Unexpected(std::move(data).error());
  }
  const auto value = (*data)->find(ref.key);
  if (value == (*data)->end()) {
    return Unexpected(InputProblem{"MissingKey",
                                   field + ": the " + std::string(kindName(ref.kind)) + " '" +
                                       ref.name + "' has no key '" + ref.key + "'",
                                   true});
  }
  return value->second;
}

// A Secret-mapped file's values must stay secret wherever the compose file puts them: the
// whole content (a password file used as a compose secret) and, when it reads as an env file
// (an env_file), each value.
void addSecretFileValues(const std::string& path, const std::string& content,
                         std::map<std::string, std::string>& secretValues) {
  secretValues.emplace("file " + path, content);
  const load::VariableLookup none = [](const std::string&) -> std::optional<std::string> {
    return std::nullopt;
  };
  auto entries = load::parseDotenv(content, path, none, /*raw=*/true);
  if (!entries) {
    return;  // not an env file
  }
  for (const auto& [key, value] : *entries) {
    secretValues.emplace("file " + path + " " + key, value);
  }
}

}  // namespace

std::string overrideFileName(std::size_t index) {
  return "spec.overrides[" + std::to_string(index) + "]";
}

std::string_view kindName(SourceKind kind) {
  return kind == SourceKind::kSecret ? "Secret" : "ConfigMap";
}

Expected<StackInputs, InputProblem> gatherInputs(const StackSpec& spec,
                                                 const std::string& nameSpace,
                                                 SourceObjects& sources) {
  StackInputs inputs;
  ReadOnce reads(sources, nameSpace);
  if (spec.compose) {
    inputs.composeFiles.emplace_back(kComposeFileName, *spec.compose);
  } else {
    auto text = readKey(reads, *spec.composeFrom, "spec.composeFrom.configMapKeyRef");
    if (!text) {
      return Unexpected(std::move(text).error());
    }
    inputs.composeFiles.emplace_back(kComposeFileName, std::move(*text));
  }
  for (std::size_t i = 0; i < spec.overrides.size(); ++i) {
    inputs.composeFiles.emplace_back(overrideFileName(i), spec.overrides[i]);
  }

  // envFrom's rule: later sources win over earlier ones, and `variables` (like env) win over
  // every source.
  for (std::size_t i = 0; i < spec.variablesFrom.size(); ++i) {
    const VariableSource& source = spec.variablesFrom[i];
    const std::string field = "spec.variablesFrom[" + std::to_string(i) + "]";
    auto data = reads.read(source.kind, source.name, field, source.optional);
    if (!data) {
      return Unexpected(std::move(data).error());
    }
    if (*data == nullptr) {
      continue;
    }
    for (const auto& [key, value] : **data) {
      const std::string name = source.prefix + key;
      inputs.environment[name] = value;
      if (source.kind == SourceKind::kSecret) {
        inputs.secretValues[name] = value;
      } else {
        inputs.secretValues.erase(name);  // a later ConfigMap value replaced the Secret's
      }
    }
  }
  for (const auto& [name, value] : spec.variables) {
    inputs.environment[name] = value;
    inputs.secretValues.erase(name);
  }

  for (std::size_t i = 0; i < spec.files.size(); ++i) {
    const FileMapping& mapping = spec.files[i];
    const std::string field =
        "spec.files[" + std::to_string(i) + "]." +
        (mapping.source.kind == SourceKind::kSecret ? "secretKeyRef" : "configMapKeyRef");
    auto content = readKey(reads, mapping.source, field);
    if (!content) {
      return Unexpected(std::move(content).error());
    }
    if (mapping.source.kind == SourceKind::kSecret) {
      addSecretFileValues(mapping.path, *content, inputs.secretValues);
    }
    inputs.files[mapping.path] = std::move(*content);
  }
  return inputs;
}

std::vector<SourceReference> sourceReferences(const StackSpec& spec) {
  std::set<SourceReference> refs;
  if (spec.composeFrom) {
    refs.insert({spec.composeFrom->kind, spec.composeFrom->name});
  }
  for (const VariableSource& source : spec.variablesFrom) {
    refs.insert({source.kind, source.name});
  }
  for (const FileMapping& mapping : spec.files) {
    refs.insert({mapping.source.kind, mapping.source.name});
  }
  return {refs.begin(), refs.end()};
}

}  // namespace cop::stack
