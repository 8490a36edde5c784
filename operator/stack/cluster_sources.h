#pragma once

// SourceObjects over the API server: the Secrets and ConfigMaps a spec names are read with a
// GET when a stack's inputs changed (their content is never cached; the informers hold only
// their metadata).

#include "operator/client/api_client.h"
#include "operator/stack/stack_inputs.h"

namespace cop::stack {

class ClusterSources final : public SourceObjects {
 public:
  explicit ClusterSources(client::ApiClient& api);

  Expected<std::optional<Data>, std::string> read(SourceKind kind, const std::string& nameSpace,
                                                  const std::string& name) override;

 private:
  client::ApiClient& api_;
  client::ApiResource secrets_;
  client::ApiResource configMaps_;
};

// The data of a Secret (base64 `data` decoded, `stringData` is never stored) or a ConfigMap
// (`data`, and `binaryData` decoded).
SourceObjects::Data objectData(SourceKind kind, const nlohmann::json& object);

}  // namespace cop::stack
