#pragma once

// A RestClient for the cluster this process talks to, with everything it refers to: the
// configuration found in controller-runtime's order (config_loader.h: --kubeconfig, KUBECONFIG,
// in-cluster, ~/.kube/config), libcurl's global state, the credential source's files, clock
// and exec runner. What the operator's main, the benchmarks and the integration programs use.

#include <memory>
#include <string>

#include "operator/client/config_io.h"
#include "operator/client/config_loader.h"
#include "operator/client/process_exec_runner.h"
#include "operator/client/rest_client.h"

namespace cop::client {

struct ClusterConnection {
  DiskFiles files;
  SystemClock clock;
  ProcessExecRunner runner;
  ProcessEnvironment environment;
  std::unique_ptr<CurlGlobal> global;
  RestConfig config;
  RestClientStack stack;  // declared last: destroyed first, before what it refers to

  ApiClient& api() { return *stack.client; }
};

// Finds the configuration and builds the client; the error is one line that names the source
// (file, context or in-cluster) and never holds a credential.
Expected<std::unique_ptr<ClusterConnection>, std::string> connectToCluster(
    const ConfigOverrides& overrides = {}, RestClientOptions options = {});

}  // namespace cop::client
