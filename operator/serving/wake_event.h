#pragma once

// A one-shot wake-up for threads blocked in poll(): an eventfd that becomes readable when
// set() is called and stays readable (nobody reads it), so every thread polling it wakes, now
// or later. The server's accept thread and workers and the signal watcher poll it beside their
// own fd, which is how stop() interrupts them within a bounded time.

#include <string>

#include "operator/common/result.h"
#include "operator/serving/unique_fd.h"

namespace cop::serving {

class WakeEvent {
 public:
  static Expected<WakeEvent, std::string> create();

  // Async-signal-safe and idempotent.
  void set() const;
  bool isSet() const;
  int fd() const { return fd_.get(); }

 private:
  explicit WakeEvent(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace cop::serving
