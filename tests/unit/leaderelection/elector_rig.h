#pragma once

// What every elector test sets up: a fake wall clock (record times), deterministic
// randomness, the config with controller-runtime's durations, and callbacks that record what
// happened in atomics (readable without any lock the elector holds).

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "operator/leaderelection/leader_elector.h"

namespace cop::leaderelection::testing {

inline constexpr const char* kNamespace = "operators";
inline constexpr const char* kLeaseName = "compose-operator-leader";

// A wall clock the test sets; starts at 2024-05-01T10:00:00Z.
struct FakeWallClock {
  std::chrono::system_clock::time_point now =
      std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + std::chrono::hours(10);
  WallClock function() {
    return [this] { return now; };
  }
};

inline LeaderElectionConfig testConfig(const std::string& identity, bool releaseOnCancel = false) {
  LeaderElectionConfig config;
  config.lockNamespace = kNamespace;
  config.lockName = kLeaseName;
  config.identity = identity;
  config.releaseOnCancel = releaseOnCancel;
  return config;
}

// Always the same 64 bits: unit random = `unit` (jitter), and a fixed UUID.
inline RandomSource fixedRandom(double unit) {
  const auto bits = static_cast<std::uint64_t>(unit * 0x1.0p53) << 11;
  return [bits] { return bits; };
}

// What the callbacks saw, with the steady time of each (from the clock passed in).
struct Recorder {
  std::atomic<int> started{0};
  std::atomic<int> stopped{0};
  std::atomic<int> lost{0};
  std::atomic<bool> leading{false};
  std::mutex mutex;
  std::vector<std::string> newLeaders;

  LeaderCallbacks callbacks(const std::function<void()>& onChange = [] {}) {
    return LeaderCallbacks{
        .onStartedLeading =
            [this, onChange] {
              ++started;
              leading = true;
              onChange();
            },
        .onStoppedLeading =
            [this, onChange](LeadershipEnd end) {
              ++stopped;
              if (end == LeadershipEnd::Lost) {
                ++lost;
              }
              leading = false;
              onChange();
            },
        .onNewLeader =
            [this](const std::string& identity) {
              std::lock_guard guard(mutex);
              newLeaders.push_back(identity);
            },
    };
  }
};

}  // namespace cop::leaderelection::testing
