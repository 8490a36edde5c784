#include "operator/common/diagnostic.h"

#include "operator/common/message_text.h"

namespace cop {

// One line, whatever the parts hold: a file name or a value with a line break in it must not
// start a second line that a reader (or a log parser) takes for another message.
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
  return printable(out);
}

}  // namespace cop
