#pragma once

// `compose-operator run`: the operator. Connects to the cluster, starts the caches of
// ComposeStacks and of what they make, and the stack controller, on the manager (metrics,
// probes, optional leader election, graceful shutdown on SIGTERM). Returns the exit code.

#include <string>
#include <vector>

namespace cop::cli {

// The caller must have blocked the shutdown signals before any thread started
// (serving::blockShutdownSignals).
int runOperator(const std::vector<std::string>& args);

}  // namespace cop::cli
