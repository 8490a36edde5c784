#pragma once

// Internal to the translator: what every part needs while one stack is translated, and the
// per-service state that the parts fill in (pod volumes, mounts, ports).

#include <map>
#include <set>
#include <string>
#include <vector>

#include "operator/common/credentials.h"
#include "operator/translate/names.h"
#include "operator/translate/translator.h"

namespace cop::translate::detail {

struct StackContext {
  const load::Project& project;
  const TranslateOptions& options;
  Warnings& warnings;
  std::string stack;           // the sanitised project name
  std::string serviceAccount;  // one per stack
  NameRegistry names;
  std::vector<Object> objects;
  std::set<std::string> emittedClaims;  // PVC names already added
  KnownCredentials credentials;         // the stack's credential values (literal_guard.h)
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

  void warn(const load::Origin& origin, std::string message) const;
  Unexpected<Error> failAt(const load::Origin& origin, std::string message) const;
};

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
  bool externalEgress = false;  // not all of its networks are internal
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
