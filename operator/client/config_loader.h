#pragma once

// Finds and loads the configuration, in controller-runtime's order (pkg/client/config/
// config.go GetConfig, kube-runtime.md §6.1):
//   1. --kubeconfig: that file only (missing is an error);
//   2. KUBECONFIG: a ':'-separated list, deduplicated, missing files skipped, merged as kubectl
//      merges it (kubeconfig_merge.h);
//   3. in-cluster, when KUBECONFIG is unset and KUBERNETES_SERVICE_HOST/PORT are set (§6.2)
//      and the token is readable;
//   4. $HOME/.kube/config.
// The context is --context, else current-context. The environment and the files come
// through interfaces (config_io.h).

#include <string>
#include <vector>

#include "operator/client/config_io.h"
#include "operator/client/kubeconfig.h"
#include "operator/client/rest_config.h"
#include "operator/common/diagnostic.h"

namespace cop::client {

// client-go rest/config.go InClusterConfig: the service-account volume.
inline constexpr const char* kServiceAccountToken =
    "/var/run/secrets/kubernetes.io/serviceaccount/token";
inline constexpr const char* kServiceAccountCa =
    "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
inline constexpr const char* kServiceAccountNamespace =
    "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
// client-go tools/clientcmd/loader.go: RecommendedConfigPathEnvVar, RecommendedHomeFile.
inline constexpr const char* kKubeconfigEnvVar = "KUBECONFIG";
inline constexpr const char* kHomeKubeconfig = ".kube/config";
// The namespace when a context or the pod names none (client-go clientcmd
// client_config.go Namespace(): "default").
inline constexpr const char* kDefaultNamespace = "default";

struct ConfigOverrides {
  std::string kubeconfigPath;  // --kubeconfig
  std::string context;         // --context
};

// The KUBECONFIG list split on ':' (client-go loader.go: filepath.SplitList), empty entries
// dropped, duplicates dropped after their first appearance.
std::vector<std::string> splitKubeconfigList(const std::string& list);

// Reads and merges the given kubeconfig files in order; missing files are skipped unless
// `missingIsError` (the explicit --kubeconfig).
Result<Kubeconfig> loadKubeconfigFiles(const std::vector<std::string>& paths,
                                       const FileReader& files, bool missingIsError);

// Turns a merged kubeconfig into a RestConfig for the context (empty: current-context),
// reading CA and client-certificate files through `files`.
Result<RestConfig> restConfigFromKubeconfig(const Kubeconfig& config, const std::string& context,
                                            const FileReader& files);

// The in-cluster configuration; an error when not running in a pod.
Result<RestConfig> inClusterConfig(const Environment& env, const FileReader& files);

// The whole precedence above.
Result<RestConfig> loadRestConfig(const ConfigOverrides& overrides, const Environment& env,
                                  const FileReader& files);

}  // namespace cop::client
