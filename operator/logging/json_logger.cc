#include "operator/logging/json_logger.h"

#include <charconv>
#include <chrono>

#include "operator/logging/log_redaction.h"

namespace cop::logging {

namespace {

// A JSON string: invalid UTF-8 becomes U+FFFD rather than an exception (nlohmann's default
// throws), and non-ASCII text stays readable (ensure_ascii off), as zap writes it.
std::string jsonString(std::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// zap's EpochTimeEncoder: seconds as a float in plain notation, shortest round-trip digits.
std::string formatTimestamp(double seconds) {
  char buffer[64];
  const auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, seconds, std::chars_format::fixed);
  if (ec != std::errc()) {
    return "0";
  }
  return std::string(buffer, end);
}

void appendField(std::string& line, const Field& field) {
  line += ',';
  line += jsonString(redactText(field.key));
  line += ':';
  if (isSecretFieldName(field.key)) {
    line += jsonString(kRedacted);
  } else {
    line += redactValue(field.value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

}  // namespace

std::string formatLine(int level, double timestamp, std::string_view loggerName,
                       std::string_view message, const Fields& fixed, const Fields& fields,
                       const std::string* error) {
  std::string line = "{\"level\":" + jsonString(levelName(level));
  line += ",\"ts\":" + formatTimestamp(timestamp);
  if (!loggerName.empty()) {
    line += ",\"logger\":" + jsonString(redactText(std::string(loggerName)));
  }
  line += ",\"msg\":" + jsonString(redactText(std::string(message)));
  for (const Field& field : fixed) {
    appendField(line, field);
  }
  for (const Field& field : fields) {
    appendField(line, field);
  }
  if (error != nullptr) {
    line += ",\"error\":" + jsonString(redactText(*error));
  }
  line += '}';
  return line;
}

Logger::Logger() : sink_(LogSink::discard()) {}

Logger::Logger(std::shared_ptr<LogSink> sink)
    : sink_(sink != nullptr ? std::move(sink) : LogSink::discard()) {}

Logger Logger::withName(std::string_view name) const {
  Logger out = *this;
  if (!name.empty()) {
    out.name_ = name_.empty() ? std::string(name) : name_ + "." + std::string(name);
  }
  return out;
}

Logger Logger::withValues(Fields fields) const {
  Logger out = *this;
  for (Field& field : fields) {
    out.values_.push_back(std::move(field));
  }
  return out;
}

Logger Logger::v(int verbosity) const {
  Logger out = *this;
  out.verbosity_ += verbosity > 0 ? verbosity : 0;  // logr ignores negative V levels
  return out;
}

bool Logger::enabled() const {
  return sink_->enabled(-verbosity_);
}

void Logger::info(std::string_view message, const Fields& fields) const {
  write(-verbosity_, message, fields, nullptr);
}

void Logger::debug(std::string_view message, const Fields& fields) const {
  v(1).info(message, fields);
}

void Logger::error(std::string_view message, std::string_view error, const Fields& fields) const {
  const std::string text(error);
  write(kErrorLevel, message, fields, &text);
}

void Logger::write(int level, std::string_view message, const Fields& fields,
                   const std::string* error) const {
  if (!sink_->enabled(level)) {
    return;
  }
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  sink_->write(level, formatLine(level, now, name_, message, values_, fields, error));
}

Logger reconcileLogger(const Logger& base, std::string_view controller, std::string_view ns,
                       std::string_view name, std::string_view reconcileID) {
  return base.withValues({{"controller", std::string(controller)},
                          {"namespace", std::string(ns)},
                          {"name", std::string(name)},
                          {"reconcileID", std::string(reconcileID)}});
}

}  // namespace cop::logging
