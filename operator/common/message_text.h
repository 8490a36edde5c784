#pragma once

// Text that goes into an error or a warning. A message is read on a terminal, in a log line,
// in a Kubernetes Event or a status condition, so it must be one printable line, and it must
// never carry a secret: a value that came from a variable may be a password.

#include <map>
#include <string>
#include <string_view>

#include "operator/common/diagnostic.h"

namespace cop {

// `text` with every character that is not printable on one line escaped: C0 and C1 control
// characters, DEL, U+2028/U+2029 and U+FEFF as \n, \t, \xNN or \uNNNN, and bytes that are not
// valid UTF-8 as \xNN. Printable text, UTF-8 included, is unchanged.
std::string printable(std::string_view text);

// A short, printable excerpt of a value for a message: at most kMaxExcerptBytes of it (cut
// on a character boundary, marked with "..."), escaped as printable() does.
inline constexpr std::size_t kMaxExcerptBytes = 48;
std::string excerpt(std::string_view text);

// Variable values shorter than this are not redacted: one- to three-character values ("1",
// "80", "yes") are not secrets, and redacting them would garble every message.
inline constexpr std::size_t kMinRedactedValueBytes = 4;

// `message` with every occurrence of a substituted variable's value replaced by a reference
// to the variable ("${DB_PASSWORD}"), longest values first, and every part of such a value;
// then every credential that shows by its shape (a URL with a password, a JWT, a token with a
// well-known prefix: credentials.h) replaced by "<redacted: KIND>", wherever it came from.
// `variables` maps names to the values that interpolation substituted.
std::string redactValues(std::string message, const std::map<std::string, std::string>& variables);

// A stage's result with redactValues applied to its error and to the warnings it added (those
// from index `firstWarning` on): what load and translate return across their boundaries.
template <typename T>
Result<T> redacted(Result<T> result, Warnings& warnings, std::size_t firstWarning,
                   const std::map<std::string, std::string>& variables) {
  warnings.rewriteMessagesFrom(firstWarning, [&variables](std::string message) {
    return redactValues(std::move(message), variables);
  });
  if (!result) {
    Error error = std::move(result).error();
    error.message = redactValues(std::move(error.message), variables);
    return Unexpected(std::move(error));
  }
  return result;
}

}  // namespace cop
