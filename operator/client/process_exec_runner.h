#pragma once

// The real exec credential plugin runner (../shared/docs/kube-runtime.md §6.3): spawns the
// plugin in its own process group with the invocation's exact environment, captures stdout with
// a size cap, passes stderr through, gives stdin /dev/null unless interactive, kills the group
// on timeout, and always reaps the child and closes every fd.

#include <chrono>
#include <cstddef>

#include "operator/client/exec_runner.h"

namespace cop::client {

// An ExecCredential is a few KiB; 1 MiB bounds a runaway plugin (kube-runtime.md §6.3).
inline constexpr std::size_t kExecStdoutCap = 1024 * 1024;
// client-go runs the plugin without a deadline; we bound it so a hung plugin cannot block the
// client forever (kube-runtime.md §6.3).
inline constexpr std::chrono::milliseconds kExecDefaultTimeout{60'000};

class ProcessExecRunner final : public ExecRunner {
 public:
  explicit ProcessExecRunner(std::chrono::milliseconds timeout = kExecDefaultTimeout,
                             std::size_t stdoutCap = kExecStdoutCap)
      : timeout_(timeout), stdoutCap_(stdoutCap) {}
  Result<ExecOutcome> run(const ExecInvocation& invocation) const override;

 private:
  std::chrono::milliseconds timeout_;
  std::size_t stdoutCap_;
};

}  // namespace cop::client
