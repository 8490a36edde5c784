// deploy.resources (and the legacy cpus / mem_limit / mem_reservation) -> requests and
// limits. Every container gets both: what compose leaves open is filled from defaults.h, and
// a default never exceeds what compose did set. Compose's 0 means "unlimited"; since every
// container here has limits, a 0 limit gets the default one, with a warning.

#include <algorithm>

#include "operator/load/units.h"
#include "operator/translate/defaults.h"
#include "operator/translate/stack_context.h"

namespace cop::translate::detail {

namespace {

// A compose amount of 0 is no amount at all (unlimited for a limit, none for a reservation).
std::optional<std::int64_t> nonZero(const std::optional<std::int64_t>& amount) {
  return amount && *amount > 0 ? amount : std::nullopt;
}

// The limit as compose set it: deploy.resources first, then the legacy key. A 0 anywhere
// asks for no limit, which we cannot give: warn and leave it to the default.
std::optional<std::int64_t> composeLimit(
    const load::Service& s, const std::optional<std::int64_t>& deployLimit,
    const std::optional<std::int64_t>& legacyLimit, const std::string& deployField,
    const std::string& legacyField, const std::string& defaultText, const StackContext& stack) {
  const bool fromDeploy = deployLimit.has_value();
  const std::optional<std::int64_t> limit = fromDeploy ? deployLimit : legacyLimit;
  if (limit && *limit <= 0) {
    stack.warn(codes::kUnlimitedResource, s.originOf(fromDeploy ? deployField : legacyField),
               "0 means unlimited in compose, but every container here has a resource limit; "
               "the default limit " +
                   defaultText + " applies");
    return std::nullopt;
  }
  return limit;
}

}  // namespace

Result<Object> resourceRequirements(const load::Service& s, const StackContext& stack) {
  const std::optional<std::int64_t> cpuLimit =
      composeLimit(s, s.deploy.limits.milliCpus, s.milliCpus, "deploy.resources.limits.cpus",
                   "cpus", load::milliCpusToQuantity(kDefaultCpuLimitMilli), stack);
  const std::optional<std::int64_t> memLimit = composeLimit(
      s, s.deploy.limits.memoryBytes, s.memLimitBytes, "deploy.resources.limits.memory",
      "mem_limit", load::bytesToQuantity(kDefaultMemoryLimitBytes), stack);
  const std::optional<std::int64_t> cpuRequest = nonZero(s.deploy.reservations.milliCpus);
  const std::optional<std::int64_t> memRequest =
      nonZero(s.deploy.reservations.memoryBytes ? s.deploy.reservations.memoryBytes
                                                : s.memReservationBytes);

  // The API server rejects a request above its limit; compose (and Swarm) would not start
  // such a service either.
  if (cpuLimit && cpuRequest && *cpuRequest > *cpuLimit) {
    return stack.failAt(codes::kReservationAboveLimit,
                        s.originOf("deploy.resources.reservations.cpus"),
                        "the CPU reservation " + load::milliCpusToQuantity(*cpuRequest) +
                            " is above the CPU limit " + load::milliCpusToQuantity(*cpuLimit));
  }
  if (memLimit && memRequest && *memRequest > *memLimit) {
    return stack.failAt(
        codes::kReservationAboveLimit,
        s.originOf(s.deploy.reservations.memoryBytes ? "deploy.resources.reservations.memory"
                                                     : "mem_reservation"),
        "the memory reservation " + load::bytesToQuantity(*memRequest) +
            " is above the memory limit " + load::bytesToQuantity(*memLimit));
  }

  const std::int64_t limitCpu =
      cpuLimit.value_or(std::max(kDefaultCpuLimitMilli, cpuRequest.value_or(0)));
  const std::int64_t limitMem =
      memLimit.value_or(std::max(kDefaultMemoryLimitBytes, memRequest.value_or(0)));
  const std::int64_t requestCpu = cpuRequest.value_or(std::min(kDefaultCpuRequestMilli, limitCpu));
  const std::int64_t requestMem =
      memRequest.value_or(std::min(kDefaultMemoryRequestBytes, limitMem));

  Object resources = Object::object();
  // A sub-millicore CPU amount rounds to 0 in the loader; 1m is the least Kubernetes takes.
  resources["limits"] =
      Object{{"cpu", load::milliCpusToQuantity(std::max<std::int64_t>(limitCpu, 1))},
             {"memory", load::bytesToQuantity(std::max<std::int64_t>(limitMem, 1))}};
  resources["requests"] =
      Object{{"cpu", load::milliCpusToQuantity(std::max<std::int64_t>(requestCpu, 1))},
             {"memory", load::bytesToQuantity(std::max<std::int64_t>(requestMem, 1))}};
  return resources;
}

}  // namespace cop::translate::detail
