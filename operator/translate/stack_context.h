#pragma once

// Internal to the translator: what every part needs while one stack is translated, and the
// per-service state that the parts fill in (pod volumes, mounts, ports).

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "operator/common/credentials.h"
#include "operator/translate/diagnostic_codes.h"
#include "operator/translate/names.h"
#include "operator/translate/translation.h"

namespace cop::translate::detail {

struct StackContext {
  const load::Project& project;
  const TranslateOptions& options;
  std::vector<StackDiagnostic>& warnings;
  std::string stack;           // options.stackName, or the sanitised project name
  std::string serviceAccount;  // one per stack
  NameRegistry names;
  std::vector<Object> objects;
  std::set<std::string> emittedClaims;  // PVC names already added
  KnownCredentials credentials;         // the stack's credential values (literal_guard.h)
  // The values of TranslateOptions::secretVariables that interpolation used, however short:
  // (variable, value), values not empty (secretValues() in literal_guard.h).
  std::vector<std::pair<std::string, std::string>> secretValues;
  // The compose service being translated, or nullptr for stack-level work: warnings name it,
  // and so does the error, which returns at once (so this still names the service that
  // failed). Set by the loop over services and by the passes over objects.
  const load::Service* current = nullptr;
  // link aliases ("db:database" in another service's links), by the service they name
  std::map<std::string, std::vector<std::pair<std::string, load::Origin>>> linkAliases;
  // The compose services by their Kubernetes name, added as each is translated.
  std::map<std::string, const load::Service*> servicesByName;

  // Labels every object of the stack carries.
  Object stackLabels(const std::string& appName) const;
  // metadata: name, namespace (when set), labels.
  Object metadata(const std::string& name, Object labels) const;
  // "<stack>-<suffix>" as a valid name.
  std::string stackName(std::string_view suffix) const;
  // The Secret that holds a service's credential environment entries (addEnvironment, and the
  // literal guard when it moves a credential out of a container).
  std::string envSecretName(std::string_view service) const;
  // The compose service an object was made for (by its service label), or nullptr.
  const load::Service* serviceOf(const Object& object) const;

  // A warning or an error of the class `code` (diagnostic_codes.h), at `origin`.
  void warn(std::string_view code, const load::Origin& origin, std::string message) const;
  Unexpected<Error> failAt(std::string_view code, const load::Origin& origin,
                           std::string message) const;
};

// An error with a code that names no compose field (options, internal checks).
Unexpected<Error> failWith(std::string_view code, std::string message);

struct ContainerPort {
  std::uint16_t port = 0;
  std::string protocol;  // TCP | UDP | SCTP
};

struct ServiceContext {
  const load::Service& service;
  std::string name;                           // the Kubernetes name of the service
  Object labels;                              // stack labels + service labels
  Object userLabels = Object::object();       // compose labels that are valid Kubernetes labels
  Object userAnnotations = Object::object();  // compose labels that are not, and annotations
  Object selector;                            // the workload's selector (stable across updates)
  Object volumes = Object::array();
  Object mounts = Object::array();
  Object env = Object::array();
  std::vector<ContainerPort> containerPorts;
  bool mountsReadWriteOnceClaim = false;
  bool externalEgress = false;  // not all of its networks are internal (set by podTemplate)
  std::string workloadKind;     // Deployment | DaemonSet | StatefulSet | Job
};

// Parts, one per file.
Status checkForbidden(const load::Service& service, const StackContext& stack);
Result<Object> podSecurityContext(const load::Service& service, const StackContext& stack);
Result<Object> containerSecurityContext(const load::Service& service, const StackContext& stack);

Status addStorage(ServiceContext& svc, StackContext& stack);
Status addSecretsAndConfigs(ServiceContext& svc, StackContext& stack);
Status addStackSecretObjects(StackContext& stack);  // Secrets and ConfigMaps from top level
Status addEnvironment(ServiceContext& svc, StackContext& stack);

Result<Object> resourceRequirements(const load::Service& service, const StackContext& stack);
Status addProbes(Object& container, const ServiceContext& svc, const StackContext& stack);

Result<Object> podTemplate(ServiceContext& svc, StackContext& stack);
Result<Object> workload(ServiceContext& svc, StackContext& stack);
Status addServiceObjects(ServiceContext& svc, StackContext& stack);
Status addNetworkPolicies(const std::vector<ServiceContext>& services, StackContext& stack);

// The pod-template annotation compose.operator.dev/config-hash on every workload whose pods
// mount or reference Secrets or ConfigMaps that the stack makes (config_hash.cc).
void addConfigHashes(StackContext& stack);

// What each service owns and waits for (service_manifests.cc), from the finished objects.
std::vector<ServiceManifest> serviceManifests(const std::vector<ServiceContext>& services,
                                              const StackContext& stack);

// Adds a pod volume and its mount. The same source mounted twice shares one pod volume; a
// different source whose name is taken gets a distinct name (the mount follows it). Two mounts
// on one target are an error naming `origin`.
Status addMount(ServiceContext& svc, StackContext& stack, const load::Origin& origin, Object volume,
                Object mount);

// A ConfigMap's content under `key`: `data` when it is UTF-8 text (as ConfigMap data must be),
// base64 `binaryData` otherwise.
void setConfigMapContent(Object& configMap, const std::string& key, const std::string& content);

// Escapes '$' for fields in which Kubernetes expands $(VAR) (command, args, env values),
// so that compose's literal text reaches the container unchanged.
std::string escapeDollar(const std::string& text);
// Every '$' doubled, unconditionally (for text that sits next to a $(VAR) reference).
std::string doubleDollars(std::string_view text);

// Kubernetes' spelling of a compose protocol (tcp -> TCP, udp -> UDP, sctp -> SCTP).
std::string kubernetesProtocol(const std::string& protocol);

// A published port's host address that only the host itself can reach: 127.0.0.0/8, ::1
// (any spelling), ::ffff:127.x and `localhost`. Such a port is not exposed beyond the stack.
bool isLoopbackHost(const std::string& hostIp);

// `network_mode: none`: the pod reaches nothing and nothing reaches it.
bool isNetworkIsolated(const load::Service& service);

// The compose networks a service is on (sanitised); `default` when it names none, and none
// at all under `network_mode: none`.
std::vector<std::string> serviceNetworks(const load::Service& service);

// Whether the service may reach outside the cluster: it is on at least one network that is
// not `internal: true` (docker gives containers only on internal networks no gateway).
bool hasExternalEgress(const load::Service& service, const load::Project& project);

}  // namespace cop::translate::detail
