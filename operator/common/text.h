#pragma once

// ASCII case folding, for the case-insensitive words compose and Kubernetes accept (protocols,
// units, controller types, capabilities). Locale-independent on purpose.

#include <string>
#include <string_view>

namespace cop {

std::string toLower(std::string_view text);
std::string toUpper(std::string_view text);

}  // namespace cop
