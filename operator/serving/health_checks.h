#pragma once

// Liveness and readiness checks with controller-runtime's pkg/healthz semantics
// (../shared/docs/kube-runtime.md §7):
// - GET <root> (and <root>/) runs every check, in name order; all pass -> 200 "ok";
//   ?verbose -> "[+]name ok" lines and "healthz check passed";
// - any failure -> 500, "[-]name failed: reason withheld" for it, "[+]name ok" for the others,
//   and "healthz check failed"; the reason goes to the log only, since the endpoint is public;
// - ?exclude=name (repeatable) skips a check ("[+]name excluded: ok"); a name that matches no
//   check is reported on a "warn:" line;
// - <root>/<name> runs one check: 200 "ok", or 500 "internal server error: reason withheld"
//   (controller-runtime's CheckHandler writes the reason here; we withhold it on every public
//   path, and log it, so that a check's error text can never leak through a probe port);
// - with no checks, a built-in "ping" check that always passes.
// Liveness must not depend on the API server (an outage would restart every replica);
// readiness is "caches synced".

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "operator/common/result.h"
#include "operator/logging/json_logger.h"
#include "operator/serving/http_request.h"
#include "operator/serving/http_server.h"

namespace cop::serving {

// controller-runtime's endpoint paths (manager/internal.go defaultLivenessEndpoint, ...).
inline constexpr std::string_view kLivenessPath = "/healthz";
inline constexpr std::string_view kReadinessPath = "/readyz";

// A check passes or says why not; it runs on a server worker thread, so it must be
// thread-safe and quick (a probe times out after 1 s by default).
using HealthCheck = std::function<Expected<void, std::string>()>;

// One set of named checks served under one path.
class HealthChecks {
 public:
  explicit HealthChecks(logging::Logger logger = {});

  // Fails on an empty name, a name with '/' (it could not be served alone) or a taken name.
  Expected<void, std::string> add(std::string name, HealthCheck check);

  // Serves a request whose path is below `root` (the path the set is mounted at).
  HttpResponse serve(std::string_view root, const HttpRequest& request) const;

  // Routes `root` and everything under it to this set; the set must outlive the server.
  Expected<void, std::string> mount(HttpServer& server, std::string_view root) const;

 private:
  HttpResponse serveAll(const HttpRequest& request) const;
  HttpResponse serveOne(const std::string& name, const HttpRequest& request) const;
  std::map<std::string, HealthCheck> snapshot() const;

  logging::Logger logger_;
  mutable std::mutex mutex_;  // checks may be added while the server runs
  std::map<std::string, HealthCheck> checks_;
};

// The liveness and readiness sets a manager serves (on --health-probe-bind-address, :8081).
struct HealthProbes {
  explicit HealthProbes(const logging::Logger& logger = {})
      : liveness(logger.withName("healthz")), readiness(logger.withName("readyz")) {}

  // Mounts liveness at /healthz and readiness at /readyz.
  Expected<void, std::string> mount(HttpServer& server) const;

  HealthChecks liveness;
  HealthChecks readiness;
};

}  // namespace cop::serving
