#pragma once

// Splits a command string the way a POSIX shell splits words (compose does this for the
// string forms of `command` and `entrypoint`): whitespace separates, quoted text stays one
// word, single quotes are literal, backslash escapes. No expansion of any kind. Like compose
// (go-shellwords), the split stops at the first unquoted shell operator (; & | < >): what
// follows is not part of the command. `rest` (when given) receives that unread remainder.

#include <string>
#include <string_view>
#include <vector>

#include "operator/common/diagnostic.h"

namespace cop::load {

Result<std::vector<std::string>> splitShellWords(std::string_view text,
                                                 std::string* rest = nullptr);

}  // namespace cop::load
