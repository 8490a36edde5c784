// healthcheck -> readiness and liveness probes (and a startup probe for start_period);
// without a healthcheck, a TCP readiness probe on the first port.

#include <limits>

#include "operator/load/units.h"
#include "operator/translate/defaults.h"
#include "operator/translate/stack_context.h"

namespace cop::translate::detail {

namespace {

Object execAction(const std::vector<std::string>& test) {
  Object command = Object::array();
  if (test.front() == "CMD-SHELL") {
    std::string script;
    for (std::size_t i = 1; i < test.size(); ++i) {
      script += (i > 1 ? " " : "") + test[i];
    }
    command = Object::array({"/bin/sh", "-c", script});
  } else {
    for (std::size_t i = 1; i < test.size(); ++i) {
      command.push_back(test[i]);
    }
  }
  return Object{{"command", std::move(command)}};
}

// Probe fields are int32 in the Kubernetes API; a duration of years would wrap around.
constexpr std::int64_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();

Status checkInt32(std::int64_t value, const std::string& what, const load::Origin& origin,
                  const StackContext& stack) {
  if (value > kMaxInt32) {
    return stack.failAt(codes::kValueOutOfRange, origin,
                        what + " is " + std::to_string(value) + ", above the Kubernetes limit of " +
                            std::to_string(kMaxInt32));
  }
  return {};
}

}  // namespace

Status addProbes(Object& container, const ServiceContext& svc, const StackContext& stack) {
  const load::Service& s = svc.service;
  const auto& health = s.healthcheck;
  if (health && (health->disable || (!health->test.empty() && health->test.front() == "NONE"))) {
    return {};
  }
  if (health && health->test.empty()) {
    // A healthcheck that sets only timings inherits the image's test, which we cannot see.
    stack.warn(codes::kHealthcheckWithoutTest, health->origin,
               "the healthcheck has no test (it relies on the image's "
               "HEALTHCHECK, which is not visible here); no probe is set");
    return {};
  }
  if (health) {
    const std::int64_t period =
        load::msToSecondsCeil(health->intervalMs.value_or(kHealthIntervalMs), 1);
    const std::int64_t timeout =
        load::msToSecondsCeil(health->timeoutMs.value_or(kHealthTimeoutMs), 1);
    const int retries = std::max(health->retries.value_or(kHealthRetries), 1);
    COP_TRY(checkInt32(period, "the healthcheck interval in seconds", health->origin, stack));
    COP_TRY(checkInt32(timeout, "the healthcheck timeout in seconds", health->origin, stack));
    Object probe = Object::object();
    probe["exec"] = execAction(health->test);
    probe["periodSeconds"] = period;
    probe["timeoutSeconds"] = timeout;
    probe["failureThreshold"] = retries;
    container["readinessProbe"] = probe;
    container["livenessProbe"] = probe;
    const std::int64_t startPeriod = health->startPeriodMs.value_or(0);
    if (startPeriod > 0) {
      const std::int64_t interval = health->startIntervalMs.value_or(kHealthStartIntervalMs);
      const std::int64_t intervalSeconds = load::msToSecondsCeil(interval, 1);
      COP_TRY(checkInt32(intervalSeconds, "the healthcheck start_interval in seconds",
                         health->origin, stack));
      // ceil(startPeriod / interval) without the sum that could overflow near int64's end.
      const std::int64_t attempts = (startPeriod - 1) / (intervalSeconds * 1000) + 1;
      COP_TRY(checkInt32(attempts + retries,
                         "the startup probe's failureThreshold (start_period "
                         "over start_interval, plus retries)",
                         health->origin, stack));
      Object startup = Object::object();
      startup["exec"] = execAction(health->test);
      startup["periodSeconds"] = intervalSeconds;
      startup["timeoutSeconds"] = timeout;
      // Compose ignores failures during start_period; the startup probe gives the same grace
      // and then hands over to readiness and liveness.
      startup["failureThreshold"] = attempts + retries;
      container["startupProbe"] = std::move(startup);
    }
    return {};
  }
  for (const ContainerPort& port : svc.containerPorts) {
    if (port.protocol != "TCP") {
      continue;
    }
    Object probe = Object::object();
    probe["tcpSocket"] = Object{{"port", port.port}};
    probe["periodSeconds"] = kTcpProbePeriodSeconds;
    probe["timeoutSeconds"] = kTcpProbeTimeoutSeconds;
    probe["failureThreshold"] = kTcpProbeFailureThreshold;
    container["readinessProbe"] = std::move(probe);
    return {};
  }
  return {};
}

}  // namespace cop::translate::detail
