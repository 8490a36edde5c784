#pragma once

// The Reconciler a controller runs (controller-runtime pkg/reconcile): it receives only the
// object's namespace/name, reads the current state from the cache, makes the cluster match, and
// answers with a result or an error (kube-runtime.md §2.3):
// - success, with an optional RequeueAfter: forget the key's failures, come back after that time;
// - a retriable error: back off per key (5 ms doubling to 1000 s) and try again;
// - a terminal error: the input is wrong and a retry cannot help; not retried until the object
//   changes (controller-runtime reconcile.TerminalError).

#include <chrono>
#include <stop_token>
#include <string>
#include <utility>

#include "operator/common/result.h"
#include "operator/logging/json_logger.h"
#include "operator/queue/object_key.h"

namespace cop::reconcile {

using Request = queue::ObjectKey;

struct Result {
  // Zero: done until something changes. Positive: reconcile again after this long.
  std::chrono::milliseconds requeueAfter{0};
};

struct ReconcileError {
  std::string message;  // for the log; must hold no secret value
  bool terminal = false;

  static ReconcileError retriable(std::string message) { return {std::move(message), false}; }
  static ReconcileError permanent(std::string message) { return {std::move(message), true}; }
};

using ReconcileResult = Expected<Result, ReconcileError>;

// What one pass knows besides its key.
struct ReconcileContext {
  std::string controller;
  // A fresh id per pass (controller-runtime's reconcileID), in every log line of that pass.
  std::string reconcileId;
  // Requested when the manager shuts down: finish quickly, start no new long work.
  std::stop_token stop;
  // Carries controller, namespace, name and reconcileID on every line (issue 7 item 7).
  logging::Logger logger;
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;
  virtual ReconcileResult reconcile(const ReconcileContext& context, const Request& request) = 0;
};

}  // namespace cop::reconcile
