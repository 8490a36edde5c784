#include "operator/stack/stack_translation.h"

#include <set>

#include "operator/load/loader.h"
#include "operator/load/paths.h"
#include "operator/load/source_reader.h"

namespace cop::stack {

namespace {

// The env file compose reads by default; the stack may map one in spec.files.
constexpr const char* kDotEnv = ".env";

// The loader's window on the stack's files. A path the spec does not map cannot be read in a
// cluster: the message says how to provide it, and the miss is remembered so that the load's
// failure gets the code UnmappedFile.
class StackFileReader final : public load::SourceReader {
 public:
  explicit StackFileReader(const StackInputs& inputs) {
    for (const auto& [name, text] : inputs.composeFiles) {
      files_.add(name, text);
    }
    for (const auto& [path, content] : inputs.files) {
      files_.add(path, content);
    }
  }

  Expected<std::string, load::ReadError> read(const std::string& path,
                                              std::size_t maxBytes) const override {
    auto content = files_.read(path, maxBytes);
    if (!content && content.error().kind == load::ReadFailure::kNotFound) {
      missed_.insert(path);
      return Unexpected(load::ReadError{
          load::ReadFailure::kNotFound,
          "the file '" + path +
              "' cannot be read inside the cluster: map it to a Secret or ConfigMap key in "
              "spec.files (path: " +
              path + ")"});
    }
    return content;
  }

  bool missedAny() const { return !missed_.empty(); }

 private:
  load::MemoryReader files_;
  mutable std::set<std::string> missed_;  // read() is const in the interface
};

translate::StackDiagnostic loadFailure(const Error& error, const StackFileReader& reader) {
  std::string code = kCodeInvalidCompose;
  if (reader.missedAny() && error.message.find("spec.files") != std::string::npos) {
    code = kCodeUnmappedFile;
  } else if (error.message.starts_with("required variable ")) {
    code = kCodeMissingVariable;
  }
  std::string service;
  constexpr std::string_view kServices = "services.";
  if (error.path.starts_with(kServices)) {
    const std::string rest = error.path.substr(kServices.size());
    service = rest.substr(0, rest.find('.'));
  }
  return translate::StackDiagnostic{error, service, code, translate::Permanence::kPermanent};
}

}  // namespace

Expected<translate::Translation, translate::StackDiagnostic> translateInputs(
    const StackIdentity& identity, const StackSpec& spec, const StackInputs& inputs) {
  const StackFileReader reader(inputs);
  load::LoadOptions options;
  for (const auto& [name, text] : inputs.composeFiles) {
    options.files.push_back(name);
  }
  // No .env unless the spec maps one: the operator's own directory is never read.
  bool dotEnvMapped = false;
  for (const auto& [path, content] : inputs.files) {
    dotEnvMapped = dotEnvMapped || load::normalizePath(path) == kDotEnv;
  }
  if (!dotEnvMapped) {
    options.envFiles = std::vector<std::string>();
  }
  options.environment = inputs.environment;
  options.profiles = spec.profiles;
  options.projectName = identity.name;
  Warnings loadWarnings;
  auto project = load::loadProject(options, reader, loadWarnings);
  if (!project) {
    return Unexpected(loadFailure(project.error(), reader));
  }

  translate::TranslateOptions translateOptions;
  translateOptions.namespaceName = identity.nameSpace;
  translateOptions.profile = spec.securityProfile == "baseline"
                                 ? translate::SecurityProfile::kBaseline
                                 : translate::SecurityProfile::kRestricted;
  translateOptions.images = spec.images;
  // A bind-mounted file becomes a ConfigMap when spec.files maps its path (the reader holds
  // only mapped files; any other bind mount fails to load with the spec.files hint).
  translateOptions.allowBindFiles = true;
  translateOptions.stackName = identity.name;
  translateOptions.publishType = spec.publish == "NodePort" ? translate::PublishType::kNodePort
                                 : spec.publish == "LoadBalancer"
                                     ? translate::PublishType::kLoadBalancer
                                     : translate::PublishType::kClusterIP;
  for (const auto& [name, value] : inputs.secretValues) {
    if (inputs.environment.contains(name)) {
      translateOptions.secretVariables.insert(name);
    }
  }
  auto translation = translate::translateStack(*project, translateOptions);
  if (!translation) {
    // A bind mount of a file the spec does not map: the translator says it does not exist.
    translate::StackDiagnostic failure = translation.error();
    if (reader.missedAny() && failure.where.message.find("does not exist") != std::string::npos) {
      failure.code = kCodeUnmappedFile;
      failure.where.message +=
          "; a cluster has only the files spec.files maps: map the path to a ConfigMap or "
          "Secret key there";
    }
    return Unexpected(std::move(failure));
  }
  // The loader's warnings first, in the translator's shape.
  std::vector<translate::StackDiagnostic> warnings;
  for (const Diagnostic& warning : loadWarnings.items()) {
    warnings.push_back({warning, "", "LoadWarning", translate::Permanence::kPermanent});
  }
  warnings.insert(warnings.end(), translation->warnings.begin(), translation->warnings.end());
  translation->warnings = std::move(warnings);
  return translation;
}

}  // namespace cop::stack
