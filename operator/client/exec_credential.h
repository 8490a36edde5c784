#pragma once

// The exec credential protocol, client.authentication.k8s.io/v1 and v1beta1 (client-go
// plugin/pkg/client/auth/exec/exec.go, kube-runtime.md §6.3): how to invoke the plugin, and
// how to read what it prints. Running the process is an ExecRunner's job (exec_runner.h).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "operator/client/kubeconfig.h"
#include "operator/common/diagnostic.h"

namespace cop::client {

// The env var through which the plugin receives its ExecCredential request.
inline constexpr const char* kExecInfoEnvVar = "KUBERNETES_EXEC_INFO";

// spec.cluster, sent when provideClusterInfo is set (client-go exec.go, Cluster).
struct ExecClusterInfo {
  std::string server;
  std::string tlsServerName;
  bool insecureSkipTlsVerify = false;
  std::string caPem;  // sent base64-encoded as certificate-authority-data
  std::string proxyUrl;
};

struct ExecInvocation {
  std::string command;
  std::vector<std::string> args;
  // The parent's environment, then the exec config's env, then KUBERNETES_EXEC_INFO; a later
  // entry replaces an earlier one of the same name.
  std::vector<std::pair<std::string, std::string>> env;
  bool interactive = false;  // stdin is passed to the plugin only when true
};

struct ExecCredential {
  std::string token;
  std::string clientCertificatePem;
  std::string clientKeyPem;
  std::optional<std::chrono::system_clock::time_point> expiration;  // none: cache forever
};

// The ExecCredential request JSON (the value of KUBERNETES_EXEC_INFO).
std::string execRequestJson(const ExecConfig& exec, const ExecClusterInfo& cluster,
                            bool interactive);

// Builds the invocation. `stdinIsTerminal` decides IfAvailable; Always without a terminal is an
// error, as in client-go.
Result<ExecInvocation> buildExecInvocation(
    const ExecConfig& exec, const ExecClusterInfo& cluster,
    const std::vector<std::pair<std::string, std::string>>& parentEnv, bool stdinIsTerminal);

// Parses the plugin's stdout. Errors name the command and the field, never the output (it
// holds the token).
Result<ExecCredential> parseExecCredential(std::string_view output, const ExecConfig& exec);

// RFC 3339 date-time ("2026-11-24T13:57:43Z", fractions and offsets allowed).
std::optional<std::chrono::system_clock::time_point> parseRfc3339(std::string_view text);

}  // namespace cop::client
