#pragma once

// Where JSON log lines go: an spdlog logger with one sink (stderr, a file descriptor or a
// stream) and the "%v" pattern, so spdlog adds nothing but the newline and its lock keeps
// lines from different threads whole. The level threshold is ours (zap numbering,
// log_level.h): spdlog has no verbosity below debug.

#include <spdlog/logger.h>

#include <atomic>
#include <memory>
#include <ostream>
#include <string_view>

#include "operator/logging/log_level.h"

namespace cop::logging {

class LogSink {
 public:
  // controller-runtime's production logger writes to stderr.
  static std::shared_ptr<LogSink> toStderr(int level = kDefaultLevel);
  // `fd` is not owned and must stay open while the sink is used.
  static std::shared_ptr<LogSink> toFd(int fd, int level = kDefaultLevel);
  // `stream` is not owned and must outlive the sink (tests capture lines this way).
  static std::shared_ptr<LogSink> toStream(std::ostream& stream, int level = kDefaultLevel);
  // Writes nothing: what a default-constructed Logger uses.
  static std::shared_ptr<LogSink> discard();

  explicit LogSink(std::shared_ptr<spdlog::logger> logger, int level);

  // Whether a line at zap level `level` is written.
  bool enabled(int level) const { return logger_ != nullptr && level >= threshold_.load(); }
  void setLevel(int level) { threshold_.store(level); }
  // Writes one line (the newline is added); thread-safe.
  void write(int level, std::string_view line);

 private:
  std::shared_ptr<spdlog::logger> logger_;
  std::atomic<int> threshold_;
};

}  // namespace cop::logging
