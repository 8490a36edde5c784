#pragma once

// The cluster of an integration test: the kubeconfig in KUBECONFIG (the e2e script that starts
// the cluster sets it), loaded as the operator loads its own (cluster_connection.h).

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

#include "operator/client/cluster_connection.h"

namespace cop::testing {

using ClusterClient = client::ClusterConnection;

// Fails the calling test (EXPECT) and returns null when the cluster cannot be reached.
inline std::unique_ptr<ClusterClient> connectToCluster(client::RestClientOptions options = {}) {
  EXPECT_NE(std::getenv("KUBECONFIG"), nullptr) << "run me from the e2e script (KUBECONFIG unset)";
  auto connection = client::connectToCluster({}, std::move(options));
  EXPECT_TRUE(connection) << (connection ? "" : connection.error());
  return connection ? std::move(*connection) : nullptr;
}

}  // namespace cop::testing
