#pragma once

// ASCII case folding, for the case-insensitive words compose and Kubernetes accept (protocols,
// units, controller types, capabilities). Locale-independent on purpose.

#include <string>
#include <string_view>

namespace cop {

std::string toLower(std::string_view text);
std::string toUpper(std::string_view text);

// The parts joined, by appending. Use it instead of `"text" + std::string(...)`: g++ 12 at -O3
// reports a false -Wrestrict inside libstdc++'s operator+ there (GCC bug 105651).
template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

}  // namespace cop
