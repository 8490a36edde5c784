#pragma once

// Structured logs as controller-runtime writes them with its zap production encoder: one JSON
// object per line, {"level":"info","ts":1712345678.123456,"logger":"name","msg":"...", then the
// logger's fixed fields, then the call's fields, then "error"}. Every key and string is JSON
// escaped (control characters as \u00XX, bytes that are not UTF-8 as U+FFFD), and every value
// is redacted first (log_redaction.h): a field named like a credential is "<redacted>", and a
// credential inside any text is "<redacted: KIND>".
//
// Logger is a small value (a sink, a name, fixed fields, a verbosity), cheap to copy and pass
// down: withName() and withValues() return a new one, as logr's WithName and WithValues.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "operator/logging/log_sink.h"

namespace cop::logging {

struct Field {
  std::string key;
  nlohmann::json value;
};
using Fields = std::vector<Field>;

class Logger {
 public:
  // Writes nothing.
  Logger();
  explicit Logger(std::shared_ptr<LogSink> sink);

  // "parent.child", as zap's Named; the "logger" field.
  Logger withName(std::string_view name) const;
  // Fields written on every line of the returned logger, after the ones it already has.
  Logger withValues(Fields fields) const;
  // logr's V(n): info() of the returned logger is at zap level -(current + n).
  Logger v(int verbosity) const;

  bool enabled() const;
  void info(std::string_view message, const Fields& fields = {}) const;
  // v(1).info().
  void debug(std::string_view message, const Fields& fields = {}) const;
  // At error level whatever the verbosity (as logr's Error); `error` goes in "error".
  void error(std::string_view message, std::string_view error, const Fields& fields = {}) const;

  const std::string& name() const { return name_; }

 private:
  void write(int level, std::string_view message, const Fields& fields,
             const std::string* error) const;

  std::shared_ptr<LogSink> sink_;
  std::string name_;
  Fields values_;
  int verbosity_ = 0;
};

// The logger of one reconcile pass, with the fields controller-runtime's controller puts on
// it: {"controller", "namespace", "name", "reconcileID"}.
Logger reconcileLogger(const Logger& base, std::string_view controller, std::string_view ns,
                       std::string_view name, std::string_view reconcileID);

// One log line (without the newline), for a timestamp in seconds since the epoch: what
// Logger writes, exposed for tests and for callers that format lines themselves.
std::string formatLine(int level, double timestamp, std::string_view loggerName,
                       std::string_view message, const Fields& fixed, const Fields& fields,
                       const std::string* error);

}  // namespace cop::logging
