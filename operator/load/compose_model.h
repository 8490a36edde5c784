#pragma once

// The typed compose model: what the loader hands to the translator. It holds compose's
// meaning, not Kubernetes' (no Kubernetes type appears here), with every default of the
// Compose Specification already applied, so the translator never re-reads YAML.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "operator/load/yaml_node.h"

namespace cop::load {

// Where a field came from, for errors the translator raises (file, line, compose path).
struct Origin {
  std::string file;
  int line = 0;
  std::string path;
};

struct Port {
  std::uint16_t target = 0;
  std::optional<std::uint16_t> published;
  std::string protocol = "tcp";  // tcp | udp | sctp
  std::string hostIp;
  std::string name;
  std::string appProtocol;
  Origin origin;
};

struct ExposedPort {
  std::uint16_t port = 0;
  std::string protocol = "tcp";
  Origin origin;
};

struct ServiceVolume {
  enum class Type { kVolume, kBind, kTmpfs, kOther };
  Type type = Type::kVolume;
  std::string typeName;  // as written, for errors about unsupported types
  std::string source;    // volume name, or a host path for binds (relative to the project dir)
  std::string target;
  bool readOnly = false;
  std::optional<std::int64_t> tmpfsSizeBytes;
  std::string subpath;
  // Relative binds: the loader reads the source through its SourceReader (the convert
  // command has the files) so that the translator can turn a small file into a ConfigMap
  // without touching the filesystem; bindProblem says why it could not when it could not.
  std::optional<std::string> bindContent;
  std::string bindProblem;
  Origin origin;
};

// A service's reference to a top-level secret or config.
struct FileReference {
  std::string source;
  std::string target;  // as written; empty = compose default
  std::optional<std::uint32_t> mode;
  bool hasOwner = false;  // uid/gid were given (not mappable: ownership comes from fsGroup)
  Origin origin;
};

struct Dependency {
  std::string service;
  std::string condition = "service_started";
  bool required = true;
  bool restart = false;
  Origin origin;
};

struct Healthcheck {
  std::vector<std::string> test;  // first element CMD, CMD-SHELL or NONE
  std::optional<std::int64_t> intervalMs;
  std::optional<std::int64_t> timeoutMs;
  std::optional<int> retries;
  std::optional<std::int64_t> startPeriodMs;
  std::optional<std::int64_t> startIntervalMs;
  bool disable = false;
  Origin origin;
};

struct ResourceAmounts {
  std::optional<std::int64_t> milliCpus;
  std::optional<std::int64_t> memoryBytes;
};

struct RestartPolicy {
  std::string condition;  // none | on-failure | any; empty = unset
  std::optional<int> maxAttempts;
  Origin origin;
};

struct UpdateConfig {
  std::optional<int> parallelism;
  std::string order;  // stop-first | start-first; empty = unset
  Origin origin;
};

struct PlacementConstraint {
  std::string expression;  // as written, e.g. "node.labels.disk == ssd"
  Origin origin;
};

struct Deploy {
  std::string mode;  // replicated | global; empty = unset
  std::optional<int> replicas;
  ResourceAmounts limits;
  ResourceAmounts reservations;
  RestartPolicy restartPolicy;
  UpdateConfig updateConfig;
  std::vector<PlacementConstraint> constraints;
  std::map<std::string, std::string> labels;
};

struct NetworkAttachment {
  std::vector<std::string> aliases;
  Origin origin;
};

// A key the translator cannot carry over; it becomes a warning naming key and service.
struct IgnoredKey {
  std::string key;
  std::string reason;
  Origin origin;
};

struct KubernetesExtension {  // `x-kubernetes` on a service or volume
  std::optional<std::string> size;
  std::optional<std::string> storageClassName;
  std::optional<std::string> controllerType;
  Origin origin;
};

struct Service {
  std::string name;
  Origin origin;

  std::string image;
  bool hasBuild = false;
  std::optional<std::vector<std::string>> command;
  std::optional<std::vector<std::string>> entrypoint;
  std::vector<std::pair<std::string, std::string>> environment;  // resolved, sorted by name
  std::vector<Port> ports;
  std::vector<ExposedPort> expose;
  std::vector<ServiceVolume> volumes;
  std::vector<FileReference> secrets;
  std::vector<FileReference> configs;
  std::vector<Dependency> dependsOn;
  std::optional<Healthcheck> healthcheck;
  Deploy deploy;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::map<std::string, NetworkAttachment> networks;  // empty = the default network
  std::vector<std::string> profiles;
  std::vector<std::pair<std::string, std::string>> links;       // service, alias
  std::vector<std::pair<std::string, std::string>> extraHosts;  // host, ip
  std::vector<std::string> capAdd;
  std::vector<std::string> capDrop;
  std::vector<std::string> securityOpt;
  std::vector<std::string> groupAdd;
  std::map<std::string, std::string> sysctls;

  std::string user;
  std::string workingDir;
  std::string hostname;
  std::string restart;
  std::string platform;
  std::string pullPolicy;
  std::string networkMode;
  std::string pid;
  std::string ipc;
  std::string uts;
  std::string usernsMode;
  std::string cgroup;
  std::optional<std::int64_t> shmSizeBytes;
  std::optional<bool> readOnly;
  bool privileged = false;
  bool tty = false;
  bool stdinOpen = false;
  std::optional<std::int64_t> stopGracePeriodMs;
  std::optional<int> scale;
  std::optional<std::int64_t> memLimitBytes;
  std::optional<std::int64_t> memReservationBytes;
  std::optional<std::int64_t> milliCpus;
  std::vector<std::string> devices;
  KubernetesExtension kubernetes;

  std::vector<IgnoredKey> ignored;
  std::map<std::string, int> keyLines;  // line of each key of the service, for errors
  // Where a field of the service is: its path, and the line of its top-level key.
  Origin originOf(const std::string& field) const;
};

// The service's plain string properties, by compose key: the parser reads them and the
// loader's model dump prints them from this one table.
inline constexpr std::pair<std::string_view, std::string Service::*> kServiceStringFields[] = {
    {"user", &Service::user},
    {"working_dir", &Service::workingDir},
    {"hostname", &Service::hostname},
    {"restart", &Service::restart},
    {"platform", &Service::platform},
    {"pull_policy", &Service::pullPolicy},
    {"network_mode", &Service::networkMode},
    {"pid", &Service::pid},
    {"ipc", &Service::ipc},
    {"uts", &Service::uts},
    {"userns_mode", &Service::usernsMode},
    {"cgroup", &Service::cgroup},
};

struct Network {
  std::string name;
  bool internal = false;
  bool external = false;
  std::string externalName;
  Origin origin;
};

struct Volume {
  std::string name;
  bool external = false;
  std::string externalName;  // `name:` of an external volume (the claim to use)
  std::map<std::string, std::string> labels;
  KubernetesExtension kubernetes;
  Origin origin;
};

// A top-level secret or config. `content` is filled by the loader from `file`,
// `environment` or (configs only) `content`; external ones carry only their name.
struct FileObject {
  std::string name;
  bool external = false;
  std::string externalName;
  std::string sourceKind;    // file | environment | content | external
  std::string sourceDetail;  // the file path or variable name, never the value
  std::string content;       // the value (secret material for secrets: never log it)
  Origin origin;
};

struct Project {
  std::string name;
  std::vector<Service> services;  // enabled services only, sorted by name
  std::map<std::string, Network> networks;
  std::map<std::string, Volume> volumes;
  std::map<std::string, FileObject> secrets;
  std::map<std::string, FileObject> configs;
  std::vector<std::string> files;  // the compose files that made it, in order
  // Every variable whose value interpolation substituted (name -> value). Later stages redact
  // these values from their messages (message_text.h): a substituted value may be a secret.
  std::map<std::string, std::string> substitutedVariables;

  const Service* findService(const std::string& name) const;
};

}  // namespace cop::load
