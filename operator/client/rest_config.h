#pragma once

// What a REST client needs to reach one API server (client-go rest.Config, the parts we
// support). TLS material is held as PEM bytes in memory, to be passed with libcurl's *_BLOB
// options, never written to temporary files (kube-runtime.md §6.4).

#include <optional>
#include <string>

#include "operator/client/kubeconfig.h"

namespace cop::client {

struct RestConfig {
  std::string server;  // https://host:port
  std::string caPem;   // empty: the system trust store
  std::string caFile;  // the CA file it came from, to re-read as it rotates; may be empty
  std::string clientCertificatePem;
  std::string clientKeyPem;
  std::string bearerToken;  // the token at load time; may be empty
  std::string tokenFile;    // re-read as it rotates (kube-runtime.md §6.2); may be empty
  std::optional<ExecConfig> exec;
  bool insecureSkipTlsVerify = false;  // only when the kubeconfig sets it (§6.4)
  std::string tlsServerName;
  std::string proxyUrl;
  std::string namespaceName;
  std::string source;  // "kubeconfig <file>, context <name>" or "in-cluster": for messages
};

}  // namespace cop::client
