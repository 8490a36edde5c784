#include "operator/client/exec_credential_source.h"

namespace cop::client {

ExecCredentialSource::ExecCredentialSource(
    ExecConfig exec, ExecClusterInfo cluster,
    std::vector<std::pair<std::string, std::string>> parentEnv, const ExecRunner& runner,
    const Clock& clock, bool stdinIsTerminal)
    : exec_(std::move(exec)),
      cluster_(std::move(cluster)),
      parentEnv_(std::move(parentEnv)),
      runner_(runner),
      clock_(clock),
      stdinIsTerminal_(stdinIsTerminal) {}

bool ExecCredentialSource::freshLocked() const {
  if (!cached_) {
    return false;
  }
  const auto& expiration = cached_->credential.expiration;
  // client-go exec.go credsExpired: expired once now is after the expiration (no leeway).
  return !expiration || !(clock_.now() > *expiration);
}

bool ExecCredentialSource::needsRefresh() const {
  std::lock_guard lock(mutex_);
  return !freshLocked();
}

Result<IssuedCredential> ExecCredentialSource::get() {
  std::lock_guard lock(mutex_);  // one plugin run at a time; waiters then get its answer
  if (freshLocked()) {
    return *cached_;
  }
  COP_ASSIGN_OR_RETURN(invocation,
                       buildExecInvocation(exec_, cluster_, parentEnv_, stdinIsTerminal_));
  COP_ASSIGN_OR_RETURN(outcome, runner_.run(invocation));
  if (outcome.notFound) {
    std::string message = "exec plugin \"" + exec_.command + "\": command not found";
    if (!exec_.installHint.empty()) {
      message += "; " + exec_.installHint;
    }
    return fail(std::move(message));
  }
  if (outcome.exitStatus != 0) {
    return fail("exec plugin \"" + exec_.command + "\": exited with status " +
                std::to_string(outcome.exitStatus));
  }
  COP_ASSIGN_OR_RETURN(credential, parseExecCredential(outcome.stdoutText, exec_));
  cached_ = IssuedCredential{std::move(credential), ++runs_};
  return *cached_;
}

void ExecCredentialSource::onUnauthorized(std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (cached_ && cached_->generation == generation) {
    cached_.reset();
  }
}

}  // namespace cop::client
