#include "operator/client/reflector_backoff.h"

#include <algorithm>

namespace cop::client {

Millis ReflectorBackoff::next(SteadyTime now, double unitRandom) {
  if (started_ && now - lastBackoff_ > parameters_.resetAfter) {
    next_ = parameters_.initial;
  }
  started_ = true;
  lastBackoff_ = now;
  const Millis base = next_;
  const auto grown = std::chrono::duration_cast<Millis>(std::chrono::duration<double, std::milli>(
      static_cast<double>(base.count()) * parameters_.factor));
  next_ = std::min(grown, parameters_.cap);
  const double random = std::clamp(unitRandom, 0.0, 1.0);
  const auto jitter = std::chrono::duration_cast<Millis>(std::chrono::duration<double, std::milli>(
      static_cast<double>(base.count()) * parameters_.jitter * random));
  return base + jitter;
}

}  // namespace cop::client
