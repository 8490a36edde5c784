#pragma once

// Wall-clock time behind an interface, so tests use a fake clock (no sleeps, no timed tests).
// Wall clock, not steady: exec credentials expire at an RFC 3339 instant.

#include <chrono>

namespace cop::client {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

class SystemClock final : public Clock {
 public:
  // Clock
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

}  // namespace cop::client
