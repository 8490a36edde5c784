#pragma once

// Valid UTF-8 for every string the emitters write. Input text is validated where it enters
// (compose and env files; non-UTF-8 file contents go to binaryData), so this is a last line of
// defence: if an invalid byte ever reaches an object, both emitters write the same U+FFFD for
// it, and the YAML and JSON outputs still mean the same thing.

#include <nlohmann/json.hpp>

namespace cop::emit {

// True when every string value and key in `value` is valid UTF-8.
bool hasOnlyValidUtf8(const nlohmann::ordered_json& value);

// A copy of `value` in which each byte of an invalid UTF-8 sequence is replaced by U+FFFD.
nlohmann::ordered_json withValidUtf8(const nlohmann::ordered_json& value);

}  // namespace cop::emit
