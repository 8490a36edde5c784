#include "operator/logging/log_sink.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

namespace cop::logging {

namespace {

// One write(2) per line where the fd allows it, so lines from this and other processes sharing
// the fd (a container's stderr) do not interleave within a line.
class FdSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit FdSink(int fd) : fd_(fd) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    const char* data = formatted.data();
    std::size_t left = formatted.size();
    while (left > 0) {
      const ssize_t n = ::write(fd_, data, left);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        return;  // nowhere to report a failing log fd; the line is lost
      }
      data += n;
      left -= static_cast<std::size_t>(n);
    }
  }
  void flush_() override {}

 private:
  int fd_;
};

std::shared_ptr<LogSink> makeSink(spdlog::sink_ptr sink, int level) {
  // Not registered with spdlog's global registry: each sink is owned by its loggers.
  auto logger = std::make_shared<spdlog::logger>("cop", std::move(sink));
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::trace);
  logger->flush_on(spdlog::level::trace);  // a line is complete on its way out, crash or not
  return std::make_shared<LogSink>(std::move(logger), level);
}

spdlog::level::level_enum spdlogLevel(int level) {
  if (level >= kErrorLevel) {
    return spdlog::level::err;
  }
  if (level == kWarnLevel) {
    return spdlog::level::warn;
  }
  if (level == kInfoLevel) {
    return spdlog::level::info;
  }
  return level == kDebugLevel ? spdlog::level::debug : spdlog::level::trace;
}

}  // namespace

LogSink::LogSink(std::shared_ptr<spdlog::logger> logger, int level)
    : logger_(std::move(logger)), threshold_(level) {}

std::shared_ptr<LogSink> LogSink::toStderr(int level) {
  return makeSink(std::make_shared<spdlog::sinks::stderr_sink_mt>(), level);
}

std::shared_ptr<LogSink> LogSink::toFd(int fd, int level) {
  return makeSink(std::make_shared<FdSink>(fd), level);
}

std::shared_ptr<LogSink> LogSink::toStream(std::ostream& stream, int level) {
  return makeSink(std::make_shared<spdlog::sinks::ostream_sink_mt>(stream, true), level);
}

std::shared_ptr<LogSink> LogSink::discard() {
  return std::make_shared<LogSink>(nullptr, kDefaultLevel);
}

void LogSink::write(int level, std::string_view line) {
  if (logger_ == nullptr) {
    return;
  }
  logger_->log(spdlogLevel(level), spdlog::string_view_t(line.data(), line.size()));
}

}  // namespace cop::logging
