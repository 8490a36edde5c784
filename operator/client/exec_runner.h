#pragma once

// Runs an exec credential plugin. An interface: the process runner lives with the transport;
// tests hand the credential source a fake.

#include <string>

#include "operator/client/exec_credential.h"
#include "operator/common/result.h"

namespace cop::client {

struct ExecOutcome {
  bool notFound = false;  // the command does not exist (the message then shows installHint)
  int exitStatus = 0;
  std::string stdoutText;  // holds credentials: never logged, never put in a message
};

class ExecRunner {
 public:
  virtual ~ExecRunner() = default;
  // Runs the plugin to completion; an Error only when it could not be started or waited for.
  virtual Result<ExecOutcome> run(const ExecInvocation& invocation) const = 0;
};

}  // namespace cop::client
