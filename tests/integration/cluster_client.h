#pragma once

// A RestClient for the real cluster of an integration test: the kubeconfig in KUBECONFIG (the
// e2e script that starts the cluster sets it), loaded as the operator loads its own. Owns
// everything the client refers to.

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "operator/client/config_io.h"
#include "operator/client/config_loader.h"
#include "operator/client/process_exec_runner.h"
#include "operator/client/rest_client.h"

namespace cop::testing {

struct ClusterClient {
  client::DiskFiles files;
  client::SystemClock clock;
  client::ProcessExecRunner runner;
  client::ProcessEnvironment environment;
  std::unique_ptr<client::CurlGlobal> global;
  client::RestConfig config;
  client::RestClientStack stack;

  client::ApiClient& api() { return *stack.client; }
};

// Fails the calling test (ASSERT) and returns null when the cluster cannot be reached.
inline std::unique_ptr<ClusterClient> connectToCluster(client::RestClientOptions options = {}) {
  auto cluster = std::make_unique<ClusterClient>();
  const char* kubeconfig = std::getenv("KUBECONFIG");
  EXPECT_NE(kubeconfig, nullptr) << "run me from the e2e script (KUBECONFIG unset)";
  if (kubeconfig == nullptr) {
    return nullptr;
  }
  auto merged = client::loadKubeconfigFiles({kubeconfig}, cluster->files, true);
  EXPECT_TRUE(merged) << (merged ? "" : merged.error().format());
  if (!merged) {
    return nullptr;
  }
  auto config = client::restConfigFromKubeconfig(*merged, "", cluster->files);
  EXPECT_TRUE(config) << (config ? "" : config.error().format());
  if (!config) {
    return nullptr;
  }
  cluster->config = std::move(*config);
  auto global = client::CurlGlobal::create();
  EXPECT_TRUE(global);
  if (!global) {
    return nullptr;
  }
  cluster->global = std::move(*global);
  const client::CredentialContext context{cluster->files, cluster->clock, cluster->runner,
                                          cluster->environment.all()};
  auto stack =
      client::makeRestClient(*cluster->global, cluster->config, context, std::move(options));
  EXPECT_TRUE(stack) << (stack ? "" : stack.error().format());
  if (!stack) {
    return nullptr;
  }
  cluster->stack = std::move(*stack);
  return cluster;
}

}  // namespace cop::testing
