#pragma once

// Merges kubeconfig files as kubectl does (client-go tools/clientcmd/loader.go, kube-runtime.md
// §6.1): the FIRST file to set a cluster, user or context name wins entirely (a later file's
// same-named entry is ignored, even its fields the first did not set), and current-context
// comes from the first file that sets it.

#include <vector>

#include "operator/client/kubeconfig.h"

namespace cop::client {

// `files` in precedence order (the KUBECONFIG order).
Kubeconfig mergeKubeconfigs(const std::vector<Kubeconfig>& files);

}  // namespace cop::client
