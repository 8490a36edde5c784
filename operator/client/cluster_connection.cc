#include "operator/client/cluster_connection.h"

#include <utility>

namespace cop::client {

Expected<std::unique_ptr<ClusterConnection>, std::string> connectToCluster(
    const ConfigOverrides& overrides, RestClientOptions options) {
  auto connection = std::make_unique<ClusterConnection>();
  auto config = loadRestConfig(overrides, connection->environment, connection->files);
  if (!config) {
    return Unexpected(config.error().format());
  }
  connection->config = std::move(*config);
  auto global = CurlGlobal::create();
  if (!global) {
    return Unexpected("libcurl: " + global.error());
  }
  connection->global = std::move(*global);
  const CredentialContext context{connection->files, connection->clock, connection->runner,
                                  connection->environment.all()};
  auto stack = makeRestClient(*connection->global, connection->config, context, std::move(options));
  if (!stack) {
    return Unexpected(stack.error().format());
  }
  connection->stack = std::move(*stack);
  return connection;
}

}  // namespace cop::client
