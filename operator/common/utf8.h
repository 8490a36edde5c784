#pragma once

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
// U+10FFFF. Text enters the translator only through this check, so that every string the
// emitters write is valid UTF-8 and means the same in the YAML and the JSON output.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cop {

// One decoded code point, or an invalid sequence of `length` bytes (at least 1).
struct Utf8Char {
  char32_t value = 0;
  std::size_t length = 1;
  bool valid = false;
};

// Decodes the code point that starts at text[pos] (pos < text.size()).
Utf8Char decodeUtf8(std::string_view text, std::size_t pos);

// The offset of the first byte that does not start a valid sequence; nullopt when valid.
std::optional<std::size_t> firstInvalidUtf8(std::string_view text);

inline bool isValidUtf8(std::string_view text) {
  return !firstInvalidUtf8(text).has_value();
}

// Appends the UTF-8 encoding of a code point (<= U+10FFFF, not a surrogate).
void appendUtf8(std::string& out, char32_t value);

// The 1-based line of the first invalid UTF-8 sequence in `text`; nullopt when it is valid.
// Text files (compose, env) are checked with this where they are read.
std::optional<int> firstInvalidUtf8Line(std::string_view text);

// The message for such a file, naming no byte of it.
inline constexpr std::string_view kInvalidUtf8Message =
    "the file is not valid UTF-8 text (compose and env files must be UTF-8)";

}  // namespace cop
