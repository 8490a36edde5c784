#include "operator/client/kubeconfig_merge.h"

namespace cop::client {

Kubeconfig mergeKubeconfigs(const std::vector<Kubeconfig>& files) {
  Kubeconfig merged;
  for (const Kubeconfig& file : files) {
    // map::insert keeps an existing key: the first file wins per name.
    merged.clusters.insert(file.clusters.begin(), file.clusters.end());
    merged.users.insert(file.users.begin(), file.users.end());
    merged.contexts.insert(file.contexts.begin(), file.contexts.end());
    if (merged.currentContext.empty() && !file.currentContext.empty()) {
      merged.currentContext = file.currentContext;
      merged.currentContextFile = file.currentContextFile;
    }
  }
  return merged;
}

}  // namespace cop::client
