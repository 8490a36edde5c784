#pragma once

// Log levels as zap numbers them, which is what controller-runtime's --zap-log-level flag and
// its JSON "level" field use: logr's V(n) is zap level -n, so V(0) = info (0), V(1) = debug
// (-1), and V(3) is written as "Level(-3)"; errors are level 2.

#include <string>
#include <string_view>

#include "operator/common/result.h"

namespace cop::logging {

inline constexpr int kDebugLevel = -1;
inline constexpr int kInfoLevel = 0;
inline constexpr int kWarnLevel = 1;
inline constexpr int kErrorLevel = 2;
// controller-runtime's production logger (zap.NewProductionConfig) logs info and above.
inline constexpr int kDefaultLevel = kInfoLevel;

// The least severe level to write, from a --log-level value: "debug", "info", "warn", "error",
// or a verbosity n >= 0 as zap's flag takes it (n = 2 writes V(0) to V(2); "1" = "debug").
Expected<int, std::string> parseLogLevel(std::string_view text);

// The "level" field for a zap level: "debug", "info", "warn", "error", else "Level(n)"
// (zapcore.Level.String).
std::string levelName(int level);

}  // namespace cop::logging
