#pragma once

// Graceful shutdown on SIGTERM and SIGINT, as controller-runtime's signals.SetupSignalHandler:
// the first signal requests stop on a std::stop_source (the manager then stops intake, drains
// in-flight reconciles, releases the lease: ../shared/docs/kube-runtime.md §10 item 22); a
// second signal exits the process at once with code 1.
//
// The signals are received synchronously: blocked in every thread and read from a signalfd on
// a dedicated thread. So no code runs in signal-handler context, and no global is needed (an
// asynchronous handler would need one to reach the stop source). That needs the signals
// blocked before any thread starts, since threads inherit the mask of the thread that starts
// them: call blockShutdownSignals() first thing in main().

#include <memory>
#include <stop_token>
#include <string>
#include <thread>

#include "operator/common/result.h"
#include "operator/logging/json_logger.h"
#include "operator/serving/unique_fd.h"
#include "operator/serving/wake_event.h"

namespace cop::serving {

// The exit code on a second signal (SetupSignalHandler's os.Exit(1)).
inline constexpr int kSecondSignalExitCode = 1;

// Blocks SIGTERM and SIGINT in the calling thread (and so in every thread it starts later).
Expected<void, std::string> blockShutdownSignals();

class ShutdownSignal {
 public:
  // Starts the watcher thread; `stop` is requested on the first signal.
  static Expected<std::unique_ptr<ShutdownSignal>, std::string> install(
      std::stop_source stop, logging::Logger logger = {});

  ShutdownSignal(const ShutdownSignal&) = delete;
  ShutdownSignal& operator=(const ShutdownSignal&) = delete;
  // Stops watching and joins the thread. The signals stay blocked: one arriving during the
  // rest of the shutdown stays pending instead of killing the process half-way.
  ~ShutdownSignal();

 private:
  ShutdownSignal(std::stop_source stop, logging::Logger logger, UniqueFd signalFd, WakeEvent quit);
  void watch();

  std::stop_source stop_;
  logging::Logger logger_;
  UniqueFd signalFd_;
  WakeEvent quit_;
  std::thread thread_;
};

}  // namespace cop::serving
