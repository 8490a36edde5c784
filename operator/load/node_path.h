#pragma once

// Builds the dotted compose paths that errors and warnings name ("services.web.ports[0]").

#include <cstddef>
#include <string>
#include <string_view>

namespace cop::load {

inline std::string childPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) {
    return std::string(key);
  }
  std::string out(parent);
  out += '.';
  out += key;
  return out;
}

inline std::string indexPath(std::string_view parent, std::size_t index) {
  std::string out(parent);
  out += '[' + std::to_string(index) + ']';
  return out;
}

}  // namespace cop::load
