#include "operator/logging/log_level.h"

#include <charconv>

namespace cop::logging {

namespace {

// More verbose than V(127) means nothing to anyone, and it keeps -n well inside an int.
constexpr int kMaxVerbosity = 127;

}  // namespace

Expected<int, std::string> parseLogLevel(std::string_view text) {
  if (text == "debug") {
    return kDebugLevel;
  }
  if (text == "info") {
    return kInfoLevel;
  }
  if (text == "warn") {
    return kWarnLevel;
  }
  if (text == "error") {
    return kErrorLevel;
  }
  int verbosity = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), verbosity);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || verbosity < 0 ||
      verbosity > kMaxVerbosity) {
    return Unexpected("invalid log level \"" + std::string(text) +
                      "\": want debug, info, warn, error or a verbosity 0-" +
                      std::to_string(kMaxVerbosity));
  }
  return -verbosity;
}

std::string levelName(int level) {
  switch (level) {
    case kDebugLevel:
      return "debug";
    case kInfoLevel:
      return "info";
    case kWarnLevel:
      return "warn";
    case kErrorLevel:
      return "error";
    default:
      return "Level(" + std::to_string(level) + ")";
  }
}

}  // namespace cop::logging
