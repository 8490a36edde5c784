// deploy.resources (and the legacy cpus / mem_limit / mem_reservation) -> requests and
// limits. Every container gets both: what compose leaves open is filled from defaults.h, and
// a default never exceeds what compose did set.

#include <algorithm>

#include "operator/load/units.h"
#include "operator/translate/defaults.h"
#include "operator/translate/stack_context.h"

namespace cop::translate::detail {

Object resourceRequirements(const load::Service& s, const StackContext& stack) {
  (void)stack;
  const std::optional<std::int64_t> cpuLimit =
      s.deploy.limits.milliCpus ? s.deploy.limits.milliCpus : s.milliCpus;
  const std::optional<std::int64_t> memLimit =
      s.deploy.limits.memoryBytes ? s.deploy.limits.memoryBytes : s.memLimitBytes;
  const std::optional<std::int64_t> cpuRequest = s.deploy.reservations.milliCpus;
  const std::optional<std::int64_t> memRequest =
      s.deploy.reservations.memoryBytes ? s.deploy.reservations.memoryBytes : s.memReservationBytes;

  const std::int64_t limitCpu =
      cpuLimit.value_or(std::max(kDefaultCpuLimitMilli, cpuRequest.value_or(0)));
  const std::int64_t limitMem =
      memLimit.value_or(std::max(kDefaultMemoryLimitBytes, memRequest.value_or(0)));
  const std::int64_t requestCpu = cpuRequest.value_or(std::min(kDefaultCpuRequestMilli, limitCpu));
  const std::int64_t requestMem =
      memRequest.value_or(std::min(kDefaultMemoryRequestBytes, limitMem));

  Object resources = Object::object();
  resources["limits"] =
      Object{{"cpu", load::milliCpusToQuantity(std::max<std::int64_t>(limitCpu, 1))},
             {"memory", load::bytesToQuantity(std::max<std::int64_t>(limitMem, 1))}};
  resources["requests"] =
      Object{{"cpu", load::milliCpusToQuantity(std::max<std::int64_t>(requestCpu, 1))},
             {"memory", load::bytesToQuantity(std::max<std::int64_t>(requestMem, 1))}};
  return resources;
}

}  // namespace cop::translate::detail
