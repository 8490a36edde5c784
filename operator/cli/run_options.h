#pragma once

// `compose-operator run`'s flags. Named as kubebuilder-scaffolded operators name them, so that
// habits and charts carry over (--kubeconfig, --metrics-bind-address,
// --health-probe-bind-address, --leader-elect, --leader-election-namespace,
// --leader-election-id), plus the namespaces to watch, a label selector to shard stacks across
// several operator deployments (as Flux shards its controllers), the worker count, the log
// level and the client's request rate. Parsing is pure, so every flag is unit-tested.

#include <cstddef>
#include <string>
#include <vector>

#include "operator/common/result.h"

namespace cop::cli {

inline constexpr const char* kDefaultMetricsBindAddress = ":8080";
inline constexpr const char* kDefaultProbeBindAddress = ":8081";
inline constexpr const char* kDefaultLeaderElectionId = "compose-operator.compose.operator.dev";
// Stacks reconcile in parallel; each pass mostly waits on the API server.
inline constexpr std::size_t kDefaultWorkers = 4;
inline constexpr std::size_t kMaxWorkers = 256;

struct RunOptions {
  std::string kubeconfig;
  std::string metricsBindAddress = kDefaultMetricsBindAddress;  // "0" disables
  std::string probeBindAddress = kDefaultProbeBindAddress;      // "0" disables
  bool leaderElect = false;
  std::string leaderElectionNamespace;  // empty: the pod's own namespace
  std::string leaderElectionId = kDefaultLeaderElectionId;
  std::vector<std::string> namespaces;  // empty: every namespace
  std::string watchLabelSelector;
  std::size_t workers = kDefaultWorkers;
  std::string logLevel = "info";
  double qps = 0;  // client-side rate limit; 0: none (API Priority and Fairness protects)
  int burst = 0;
  bool help = false;
};

inline constexpr const char* kRunUsage =
    "usage: compose-operator run [flags]\n"
    "\n"
    "Reconciles ComposeStack resources into hardened workloads.\n"
    "\n"
    "flags:\n"
    "  --kubeconfig PATH                  kubeconfig file (default: KUBECONFIG, in-cluster, "
    "~/.kube/config)\n"
    "  --metrics-bind-address ADDR        /metrics address (default :8080; 0 disables)\n"
    "  --health-probe-bind-address ADDR   /healthz and /readyz address (default :8081; 0 "
    "disables)\n"
    "  --leader-elect[=BOOL]              elect a leader on a Lease, for several replicas\n"
    "  --leader-election-namespace NS     the Lease's namespace (default: the pod's)\n"
    "  --leader-election-id NAME          the Lease's name (default "
    "compose-operator.compose.operator.dev)\n"
    "  --namespaces NS[,NS...]            namespaces to watch (default: all)\n"
    "  --watch-label-selector SELECTOR    reconcile only the stacks it selects (sharding)\n"
    "  --workers N                        stacks reconciled in parallel (default 4)\n"
    "  --log-level LEVEL                  debug, info, warn, error, or a verbosity (default "
    "info)\n"
    "  --kube-api-qps QPS, --kube-api-burst N   client-side request limit (default: none)\n";

// Flags as `--name value` or `--name=value`; the error names the flag.
Expected<RunOptions, std::string> parseRunOptions(const std::vector<std::string>& args);

}  // namespace cop::cli
