#pragma once

// Runs an exec plugin when a credential is needed and caches its answer (client-go
// plugin/pkg/client/auth/exec/exec.go, kube-runtime.md §6.3): the cached credential is used
// until its expirationTimestamp has passed (none: forever); a 401 drops it, unless another
// request has already replaced it, so the next get() runs the plugin again.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "operator/client/clock.h"
#include "operator/client/exec_credential.h"
#include "operator/client/exec_runner.h"
#include "operator/client/kubeconfig.h"

namespace cop::client {

struct IssuedCredential {
  ExecCredential credential;
  std::uint64_t generation = 0;  // which run of the plugin produced it (1, 2, ...)
};

class ExecCredentialSource {
 public:
  ExecCredentialSource(ExecConfig exec, ExecClusterInfo cluster,
                       std::vector<std::pair<std::string, std::string>> parentEnv,
                       const ExecRunner& runner, const Clock& clock, bool stdinIsTerminal = false);

  // The cached credential, or a fresh one from the plugin when there is none or it expired.
  Result<IssuedCredential> get();

  // A request made with the credential of `generation` got a 401: drop it if it is still the
  // cached one (client-go: unless another request already refreshed it).
  void onUnauthorized(std::uint64_t generation);

  // True when the next get() will run the plugin.
  bool needsRefresh() const;

 private:
  bool freshLocked() const;

  ExecConfig exec_;
  ExecClusterInfo cluster_;
  std::vector<std::pair<std::string, std::string>> parentEnv_;
  const ExecRunner& runner_;
  const Clock& clock_;
  bool stdinIsTerminal_;
  mutable std::mutex mutex_;
  std::optional<IssuedCredential> cached_;  // guarded by mutex_
  std::uint64_t runs_ = 0;                  // guarded by mutex_
};

}  // namespace cop::client
