#pragma once

// The kubeconfig model (client-go tools/clientcmd/api/v1 types, kube-runtime.md §6.1): named
// clusters, users and contexts plus current-context. preferences and extensions are ignored.
// Relative file paths are already resolved against the directory of the file that set them,
// and the *-data fields already base64-decoded (PEM bytes).

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cop::client {

// Where an entry came from, so an error names the file and the field.
struct Origin {
  std::string file;
  int line = 0;      // 1-based; 0 when unknown
  std::string path;  // e.g. users[1].user
};

// client-go api/v1 types.go ExecConfig.InteractiveMode.
enum class InteractiveMode { kNever, kIfAvailable, kAlways };

struct ExecEnvVar {
  std::string name;
  std::string value;
};

// users[].user.exec (kube-runtime.md §6.3).
struct ExecConfig {
  std::string apiVersion;
  std::string command;
  std::vector<std::string> args;
  std::vector<ExecEnvVar> env;
  std::string installHint;
  bool provideClusterInfo = false;
  InteractiveMode interactiveMode = InteractiveMode::kIfAvailable;
};

struct ClusterEntry {
  std::string server;
  std::string certificateAuthority;      // a path
  std::string certificateAuthorityData;  // PEM bytes
  bool insecureSkipTlsVerify = false;
  std::string tlsServerName;
  std::string proxyUrl;
  Origin origin;
};

struct UserEntry {
  std::string clientCertificate;      // a path
  std::string clientCertificateData;  // PEM bytes
  std::string clientKey;              // a path
  std::string clientKeyData;          // PEM bytes
  std::string token;
  std::string tokenFile;  // a path
  std::optional<ExecConfig> exec;
  Origin origin;
};

struct ContextEntry {
  std::string cluster;
  std::string user;
  std::string namespaceName;
  Origin origin;
};

struct Kubeconfig {
  std::map<std::string, ClusterEntry> clusters;
  std::map<std::string, UserEntry> users;
  std::map<std::string, ContextEntry> contexts;
  std::string currentContext;
  std::string currentContextFile;  // the file that set current-context

  bool empty() const {
    return clusters.empty() && users.empty() && contexts.empty() && currentContext.empty();
  }
};

}  // namespace cop::client
