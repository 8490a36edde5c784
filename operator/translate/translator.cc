#include "operator/translate/translator.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "operator/common/message_text.h"
#include "operator/translate/defaults.h"
#include "operator/translate/literal_guard.h"
#include "operator/translate/stack_context.h"

namespace cop::translate {

namespace {

using detail::ServiceContext;
using detail::StackContext;

// kompose labels we act on; they configure conversion and are not copied to objects.
constexpr std::string_view kConsumedKomposeLabels[] = {
    "kompose.controller.type", "kompose.volume.size", "kompose.volume.storage-class-name",
    "kompose.service.type", "kompose.image-pull-secret"};

// Apply order, as Helm installs: what others reference comes first.
constexpr std::string_view kKindOrder[] = {
    "ServiceAccount", "Secret",    "ConfigMap", "PersistentVolumeClaim", "Service", "Deployment",
    "StatefulSet",    "DaemonSet", "Job",       "NetworkPolicy"};

std::size_t kindRank(const std::string& kind) {
  auto it = std::find(std::begin(kKindOrder), std::end(kKindOrder), kind);
  return static_cast<std::size_t>(it - std::begin(kKindOrder));
}

// Compose labels become labels where the key and value are valid, annotations otherwise.
// Reserved keys (isReservedKey) are an error, as labels and as annotations: the operator and
// GitOps tools read them, so a compose file must not set them, and dropping one with a
// warning would silently change what the author asked for.
Status classifyLabels(const load::Service& s, ServiceContext& svc, const StackContext& stack) {
  auto reserved = [&](const std::string& key, const std::string& field) -> Status {
    if (isReservedKey(key)) {
      return stack.failAt(
          codes::kReservedKey, s.originOf(field),
          "the key " + key + " is reserved for the operator and GitOps tools; remove it");
    }
    return {};
  };
  auto place = [&](const std::string& key, const std::string& value,
                   const std::string& field) -> Status {
    if (key.starts_with("kompose.")) {
      if (std::find(std::begin(kConsumedKomposeLabels), std::end(kConsumedKomposeLabels), key) ==
          std::end(kConsumedKomposeLabels)) {
        stack.warn(codes::kUnsupportedKomposeLabel, s.originOf(field),
                   "the kompose label " + key + " is not supported; ignored");
      }
      return {};
    }
    COP_TRY(reserved(key, field));
    if (!isQualifiedName(key)) {
      stack.warn(codes::kInvalidLabelKey, s.originOf(field),
                 "'" + key + "' is not a valid Kubernetes label or annotation key; ignored");
      return {};
    }
    if (isLabelValue(value)) {
      svc.userLabels[key] = value;
    } else {
      svc.userAnnotations[key] = value;
    }
    return {};
  };
  for (const auto& [key, value] : s.labels) {
    COP_TRY(place(key, value, "labels"));
  }
  for (const auto& [key, value] : s.deploy.labels) {
    COP_TRY(place(key, value, "deploy.labels"));
  }
  for (const auto& [key, value] : s.annotations) {
    COP_TRY(reserved(key, "annotations"));
    if (!isQualifiedName(key)) {
      stack.warn(codes::kInvalidLabelKey, s.originOf("annotations"),
                 "'" + key + "' is not a valid annotation key; ignored");
      continue;
    }
    svc.userAnnotations[key] = value;
  }
  return {};
}

// The last line of defence, whatever part made an object: no two objects of a kind share a
// name (the NameRegistry should have said so, naming both compose names), and names, labels
// and annotation sizes are what the API server accepts.
Status checkObjects(StackContext& stack) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const Object& object : stack.objects) {
    stack.current = stack.serviceOf(object);
    const std::string kind = object["kind"].get<std::string>();
    const std::string name = object["metadata"]["name"].get<std::string>();
    if (!seen.emplace(kind, name).second) {
      return detail::failWith(codes::kInternalError,
                              "internal error: two " + kind + " objects are named '" + name + "'");
    }
    if (auto checked = checkObjectMetadata(object); !checked) {
      return stack.failAt(checked.error().code,
                          stack.current ? stack.current->origin : load::Origin{},
                          checked.error().message);
    }
  }
  stack.current = nullptr;
  return {};
}

Status checkImage(const load::Service& s, const StackContext& stack) {
  const bool supplied = stack.options.images.contains(s.name);
  if (s.image.empty() && !supplied) {
    if (s.hasBuild) {
      return stack.failAt(codes::kMissingImage, s.originOf("build"),
                          "the service is built from source and has no image; a cluster cannot "
                          "build it: push an image and pass --image " +
                              s.name + "=REF");
    }
    return stack.failAt(codes::kMissingImage, s.origin, "the service has no image");
  }
  if (s.hasBuild) {
    stack.warn(codes::kBuildNotCarriedOver, s.originOf("build"),
               "build is not carried over: the image " +
                   (supplied ? stack.options.images.at(s.name) : s.image) + " is used");
  }
  const std::string& image = supplied ? stack.options.images.at(s.name) : s.image;
  if (image.empty() || image.find_first_of(" \t\n\"'") != std::string::npos) {
    return stack.failAt(codes::kInvalidImage, s.originOf("image"),
                        "'" + image + "' is not a valid image reference");
  }
  return {};
}

Object serviceAccountObject(const StackContext& stack) {
  Object object = Object::object();
  object["apiVersion"] = "v1";
  object["kind"] = "ServiceAccount";
  object["metadata"] = stack.metadata(stack.serviceAccount, stack.stackLabels(stack.stack));
  // Pods of compose services never talk to the Kubernetes API.
  object["automountServiceAccountToken"] = false;
  return object;
}

// Everything but the redaction of messages: objects, manifests, and warnings in
// stack.warnings. On failure, stack.current is the service that failed (or nullptr).
Result<Translation> build(StackContext& stack) {
  const load::Project& project = stack.project;
  const TranslateOptions& options = stack.options;
  if (!options.stackName.empty() && !isDns1123Label(options.stackName)) {
    return detail::failWith(codes::kInvalidOption,
                            "the stack name '" + options.stackName +
                                "' is not a valid name (lower-case letters, digits and '-', at "
                                "most 63 characters)");
  }
  stack.secretValues = detail::secretValues(project, options.secretVariables);
  stack.credentials = detail::knownCredentials(project, stack.secretValues);
  stack.serviceAccount = stack.stack;
  COP_TRY(checkDnsOptions(options.dns));
  if (!options.namespaceName.empty() && !isDns1123Label(options.namespaceName)) {
    return detail::failWith(
        codes::kInvalidOption,
        "the namespace '" + options.namespaceName +
            "' is not a valid name (lower-case letters, digits and '-', at most 63 characters)");
  }
  for (const auto& [service, image] : options.images) {
    if (project.findService(service) == nullptr) {
      return detail::failWith(codes::kInvalidOption,
                              "--image names the service '" + service +
                                  "', which is not an enabled service of the project");
    }
  }
  Translation translation;
  if (project.services.empty()) {
    stack.warn(codes::kNoServices, load::Origin{"", 0, "services"},
               "the project has no enabled services; nothing to convert");
    return translation;
  }
  for (const load::Service& s : project.services) {
    for (const auto& [target, alias] : s.links) {
      if (!alias.empty()) {
        stack.linkAliases[target].emplace_back(alias, s.originOf("links"));
      }
    }
  }
  COP_TRY(stack.names.claim("ServiceAccount", stack.serviceAccount, "the stack's service account",
                            load::Origin{}));
  stack.objects.push_back(serviceAccountObject(stack));
  COP_TRY(detail::addStackSecretObjects(stack));

  std::vector<ServiceContext> services;
  services.reserve(project.services.size());
  for (const load::Service& s : project.services) {
    stack.current = &s;
    ServiceContext svc{s, sanitizeName(s.name), {}, {}};
    COP_TRY(stack.names.claim("workload", svc.name, "service '" + s.name + "'", s.origin));
    stack.servicesByName.emplace(svc.name, &s);
    COP_TRY(checkImage(s, stack));
    for (const load::IgnoredKey& ignored : s.ignored) {
      stack.warn(codes::kIgnoredKey, ignored.origin,
                 "not carried over to Kubernetes: " + ignored.reason);
    }
    svc.labels = stack.stackLabels(svc.name);
    svc.labels[std::string(kServiceLabel)] = svc.name;
    svc.selector =
        Object{{std::string(kStackLabel), stack.stack}, {std::string(kServiceLabel), svc.name}};
    COP_TRY(classifyLabels(s, svc, stack));
    COP_ASSIGN_OR_RETURN(object, detail::workload(svc, stack));
    stack.objects.push_back(std::move(object));
    COP_TRY(detail::addServiceObjects(svc, stack));
    services.push_back(std::move(svc));
  }
  stack.current = nullptr;
  COP_TRY(detail::addNetworkPolicies(services, stack));
  // Last: no credential may sit as a literal in any object but a Secret, whatever made it.
  COP_TRY(detail::guardLiterals(stack));
  // After the guard, which may add -env Secrets and references to them.
  detail::addConfigHashes(stack);
  COP_TRY(checkObjects(stack));
  std::stable_sort(
      stack.objects.begin(), stack.objects.end(), [](const Object& a, const Object& b) {
        const std::size_t ra = kindRank(a["kind"].get<std::string>());
        const std::size_t rb = kindRank(b["kind"].get<std::string>());
        if (ra != rb) {
          return ra < rb;
        }
        return a["metadata"]["name"].get<std::string>() < b["metadata"]["name"].get<std::string>();
      });
  translation.services = detail::serviceManifests(services, stack);
  translation.objects = std::move(stack.objects);
  return translation;
}

bool isWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// No message of the translation quotes a value that interpolation substituted: it names the
// variable instead (the value may be a secret). redactValues leaves values shorter than
// kMinRedactedValueBytes alone, so as not to garble every message; a secret variable's short
// value is replaced too, where it stands as a whole word of the message (or anywhere, when it
// holds characters that no word does), outside the ${NAME} references already put in.
std::string redactMessage(std::string message, const StackContext& stack) {
  message = redactValues(std::move(message), stack.project.substitutedVariables);
  std::map<std::string, std::string> words;     // value -> variable
  std::map<std::string, std::string> anywhere;  // value -> variable
  for (const auto& [name, value] : stack.secretValues) {
    if (value.size() < kMinRedactedValueBytes) {
      const bool word = std::all_of(value.begin(), value.end(), isWordChar);
      (word ? words : anywhere).emplace(value, name);
    }
  }
  if (words.empty() && anywhere.empty()) {
    return message;
  }
  std::string out;
  for (std::size_t i = 0; i < message.size();) {
    if (message.compare(i, 2, "${") == 0) {  // a reference: kept whole
      const std::size_t close = message.find('}', i);
      const std::size_t end = close == std::string::npos ? message.size() : close + 1;
      out.append(message, i, end - i);
      i = end;
      continue;
    }
    const auto other = std::find_if(anywhere.begin(), anywhere.end(), [&](const auto& entry) {
      return message.compare(i, entry.first.size(), entry.first) == 0;
    });
    if (other != anywhere.end()) {
      out += "${" + other->second + "}";
      i += other->first.size();
      continue;
    }
    if (!isWordChar(message[i])) {
      out += message[i++];
      continue;
    }
    std::size_t end = i;
    while (end < message.size() && isWordChar(message[end])) {
      ++end;
    }
    const std::string word = message.substr(i, end - i);
    const auto found = words.find(word);
    out += found == words.end() ? word : "${" + found->second + "}";
    i = end;
  }
  return out;
}

// translate() and translateStack(): warnings go to `warnings`, also on failure.
Expected<Translation, StackDiagnostic> run(const load::Project& project,
                                           const TranslateOptions& options,
                                           std::vector<StackDiagnostic>& warnings) {
  const std::size_t firstWarning = warnings.size();
  StackContext stack{project, options, warnings,
                     options.stackName.empty() ? sanitizeName(project.name) : options.stackName};
  auto result = build(stack);
  for (std::size_t i = firstWarning; i < warnings.size(); ++i) {
    warnings[i].where.message = redactMessage(std::move(warnings[i].where.message), stack);
  }
  if (!result) {
    Error error = std::move(result).error();
    error.message = redactMessage(std::move(error.message), stack);
    if (error.code.empty()) {
      error.code = codes::kTranslationFailed;
    }
    std::string code = error.code;
    const Permanence permanence = codes::permanenceOf(code);
    return Unexpected(StackDiagnostic{std::move(error),
                                      stack.current != nullptr ? stack.current->name : "",
                                      std::move(code), permanence});
  }
  return std::move(result).value();
}

}  // namespace

Result<std::vector<Object>> translate(const load::Project& project, const TranslateOptions& options,
                                      Warnings& warnings) {
  std::vector<StackDiagnostic> found;
  auto result = run(project, options, found);
  for (StackDiagnostic& warning : found) {
    warnings.add(std::move(warning.where));
  }
  if (!result) {
    return Unexpected(std::move(result).error().where);
  }
  return std::move(result->objects);
}

Expected<Translation, StackDiagnostic> translateStack(const load::Project& project,
                                                      const TranslateOptions& options) {
  std::vector<StackDiagnostic> warnings;
  auto result = run(project, options, warnings);
  if (result) {
    result->warnings = std::move(warnings);
  }
  return result;
}

std::string_view toString(DependencyCondition condition) {
  switch (condition) {
    case DependencyCondition::kHealthy:
      return "service_healthy";
    case DependencyCondition::kCompletedSuccessfully:
      return "service_completed_successfully";
    case DependencyCondition::kStarted:
      break;
  }
  return "service_started";
}

}  // namespace cop::translate
