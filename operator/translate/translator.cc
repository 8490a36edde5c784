#include "operator/translate/translator.h"

#include <algorithm>
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
          s.originOf(field),
          "the key " + key + " is reserved for the operator and GitOps tools; remove it");
    }
    return {};
  };
  auto place = [&](const std::string& key, const std::string& value,
                   const std::string& field) -> Status {
    if (key.starts_with("kompose.")) {
      if (std::find(std::begin(kConsumedKomposeLabels), std::end(kConsumedKomposeLabels), key) ==
          std::end(kConsumedKomposeLabels)) {
        stack.warn(s.originOf(field), "the kompose label " + key + " is not supported; ignored");
      }
      return {};
    }
    COP_TRY(reserved(key, field));
    if (!isQualifiedName(key)) {
      stack.warn(s.originOf(field),
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
      stack.warn(s.originOf("annotations"), "'" + key + "' is not a valid annotation key; ignored");
      continue;
    }
    svc.userAnnotations[key] = value;
  }
  return {};
}

// The last line of defence, whatever part made an object: no two objects of a kind share a
// name (the NameRegistry should have said so, naming both compose names), and names, labels
// and annotation sizes are what the API server accepts.
Status checkObjects(const StackContext& stack) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const Object& object : stack.objects) {
    const std::string kind = object["kind"].get<std::string>();
    const std::string name = object["metadata"]["name"].get<std::string>();
    if (!seen.emplace(kind, name).second) {
      return fail("internal error: two " + kind + " objects are named '" + name + "'");
    }
    if (auto checked = checkObjectMetadata(object); !checked) {
      const load::Service* service = stack.serviceOf(object);
      return stack.failAt(service ? service->origin : load::Origin{}, checked.error().message);
    }
  }
  return {};
}

Status checkImage(const load::Service& s, const StackContext& stack) {
  const bool supplied = stack.options.images.contains(s.name);
  if (s.image.empty() && !supplied) {
    if (s.hasBuild) {
      return stack.failAt(s.originOf("build"),
                          "the service is built from source and has no image; a cluster cannot "
                          "build it: push an image and pass --image " +
                              s.name + "=REF");
    }
    return stack.failAt(s.origin, "the service has no image");
  }
  if (s.hasBuild) {
    stack.warn(s.originOf("build"), "build is not carried over: the image " +
                                        (supplied ? stack.options.images.at(s.name) : s.image) +
                                        " is used");
  }
  const std::string& image = supplied ? stack.options.images.at(s.name) : s.image;
  if (image.empty() || image.find_first_of(" \t\n\"'") != std::string::npos) {
    return stack.failAt(s.originOf("image"), "'" + image + "' is not a valid image reference");
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

Result<std::vector<Object>> translateStack(const load::Project& project,
                                           const TranslateOptions& options, Warnings& warnings) {
  StackContext stack{project, options, warnings, sanitizeName(project.name), "", {}, {}, {}, {}};
  stack.credentials = detail::knownCredentials(project);
  stack.serviceAccount = stack.stack;
  COP_TRY(checkDnsOptions(options.dns));
  if (!options.namespaceName.empty() && !isDns1123Label(options.namespaceName)) {
    return fail(
        "the namespace '" + options.namespaceName +
        "' is not a valid name (lower-case letters, digits and '-', at most 63 characters)");
  }
  for (const auto& [service, image] : options.images) {
    if (project.findService(service) == nullptr) {
      return fail("--image names the service '" + service +
                  "', which is not an enabled service of the project");
    }
  }
  if (project.services.empty()) {
    warnings.add("the project has no enabled services; nothing to convert", "services");
    return std::vector<Object>();
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
    ServiceContext svc{s, sanitizeName(s.name), {}, {}};
    COP_TRY(stack.names.claim("workload", svc.name, "service '" + s.name + "'", s.origin));
    stack.servicesByName.emplace(svc.name, &s);
    COP_TRY(checkImage(s, stack));
    for (const load::IgnoredKey& ignored : s.ignored) {
      stack.warn(ignored.origin, "not carried over to Kubernetes: " + ignored.reason);
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
  COP_TRY(detail::addNetworkPolicies(services, stack));
  // Last: no credential may sit as a literal in any object but a Secret, whatever made it.
  COP_TRY(detail::guardLiterals(stack));
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
  return std::move(stack.objects);
}

}  // namespace

// No message of the translation quotes a value that interpolation substituted: it names the
// variable instead (the value may be a secret).
Result<std::vector<Object>> translate(const load::Project& project, const TranslateOptions& options,
                                      Warnings& warnings) {
  const std::size_t firstWarning = warnings.size();
  return redacted(translateStack(project, options, warnings), warnings, firstWarning,
                  project.substitutedVariables);
}

}  // namespace cop::translate
