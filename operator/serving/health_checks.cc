#include "operator/serving/health_checks.h"

#include <nlohmann/json.hpp>
#include <set>

namespace cop::serving {

namespace {

// controller-runtime's default check when a set has none (healthz.go, Ping).
constexpr std::string_view kPingCheck = "ping";

// Go's %q for the names in the "warn:" line; JSON quoting is the same for printable text and
// keeps a hostile name on one line.
std::string goQuoted(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpResponse textResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// A check's failure or exception as text; a check is the caller's code, and an exception from
// it must not reach the server (and must count as a failure).
Expected<void, std::string> runCheck(const HealthCheck& check) {
  try {
    return check();
  } catch (const std::exception& e) {
    return Unexpected(std::string("check threw: ") + e.what());
  } catch (...) {
    return Unexpected(std::string("check threw"));
  }
}

// The path below `root`, cleaned as controller-runtime does (path.Clean): "" and "/" are the
// aggregate; "/name" and "/name/" are one check.
std::string subPath(std::string_view root, std::string_view path) {
  std::string_view rest = path.substr(root.size());
  while (rest.starts_with('/')) {
    rest.remove_prefix(1);
  }
  while (rest.ends_with('/')) {
    rest.remove_suffix(1);
  }
  return std::string(rest);
}

}  // namespace

HealthChecks::HealthChecks(logging::Logger logger) : logger_(std::move(logger)) {}

Expected<void, std::string> HealthChecks::add(std::string name, HealthCheck check) {
  if (name.empty() || name.find('/') != std::string::npos) {
    return Unexpected("invalid health check name \"" + name + "\"");
  }
  if (!check) {
    return Unexpected("health check \"" + name + "\" has no function");
  }
  std::lock_guard lock(mutex_);
  if (!checks_.emplace(name, std::move(check)).second) {
    return Unexpected("health check \"" + name + "\" already exists");
  }
  return {};
}

std::map<std::string, HealthCheck> HealthChecks::snapshot() const {
  std::lock_guard lock(mutex_);
  return checks_;
}

HttpResponse HealthChecks::serve(std::string_view root, const HttpRequest& request) const {
  const std::string name = subPath(root, request.path);
  if (name.empty()) {
    return serveAll(request);
  }
  return serveOne(name, request);
}

HttpResponse HealthChecks::serveAll(const HttpRequest& request) const {
  std::map<std::string, HealthCheck> checks = snapshot();
  const std::vector<std::string> excludeList = request.params("exclude");
  std::set<std::string> unmatched(excludeList.begin(), excludeList.end());

  struct Status {
    bool healthy = true;
    bool excluded = false;
  };
  std::map<std::string, Status> statuses;  // sorted by name, as healthz.go sorts its parts
  bool failed = false;
  for (const auto& [name, check] : checks) {
    if (unmatched.erase(name) > 0) {
      statuses[name] = {true, true};
      continue;
    }
    auto result = runCheck(check);
    if (!result) {
      logger_.info("healthz check failed", {{"checker", name}, {"error", result.error()}});
      failed = true;
    }
    statuses[name] = {result.has_value(), false};
  }
  if (checks.empty()) {
    statuses[std::string(kPingCheck)] = {true, false};
  }

  const bool verbose = request.hasParam("verbose");
  if (!failed && !verbose) {
    return textResponse(200, "ok");
  }
  std::string body;
  for (const auto& [name, status] : statuses) {
    if (status.excluded) {
      body += "[+]" + name + " excluded: ok\n";
    } else if (status.healthy) {
      body += "[+]" + name + " ok\n";
    } else {
      body += "[-]" + name + " failed: reason withheld\n";
    }
  }
  if (!unmatched.empty()) {
    body += "warn: some health checks cannot be excluded: no matches for ";
    bool first = true;
    for (const std::string& name : unmatched) {
      if (!first) {
        body += ',';
      }
      body += goQuoted(name);
      first = false;
    }
    body += "\n";
  }
  body += failed ? "healthz check failed\n" : "healthz check passed\n";
  return textResponse(failed ? 500 : 200, std::move(body));
}

HttpResponse HealthChecks::serveOne(const std::string& name, const HttpRequest&) const {
  HealthCheck check;
  {
    std::lock_guard lock(mutex_);
    const auto it = checks_.find(name);
    if (it != checks_.end()) {
      check = it->second;
    } else if (!checks_.empty() || name != kPingCheck) {
      return textResponse(404, "404 page not found\n");
    }
  }
  if (!check) {
    return textResponse(200, "ok");  // the built-in ping
  }
  auto result = runCheck(check);
  if (!result) {
    logger_.info("healthz check failed", {{"checker", name}, {"error", result.error()}});
    return textResponse(500, "internal server error: reason withheld\n");
  }
  return textResponse(200, "ok");
}

Expected<void, std::string> HealthChecks::mount(HttpServer& server, std::string_view root) const {
  const std::string base(root);
  auto handler = [this, base](const HttpRequest& request) { return serve(base, request); };
  COP_TRY(server.handle(base, handler));
  return server.handle(base + "/", handler);
}

Expected<void, std::string> HealthProbes::mount(HttpServer& server) const {
  COP_TRY(liveness.mount(server, kLivenessPath));
  return readiness.mount(server, kReadinessPath);
}

}  // namespace cop::serving
