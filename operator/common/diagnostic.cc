#include "operator/common/diagnostic.h"

namespace cop {

std::string Diagnostic::format() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) {
      out += ':' + std::to_string(line);
    }
    out += ": ";
  }
  if (!path.empty()) {
    out += path + ": ";
  }
  out += message;
  return out;
}

}  // namespace cop
