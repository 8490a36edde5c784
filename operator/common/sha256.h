#pragma once

// SHA-256 as lower-case hex, from OpenSSL's libcrypto: what the apply cache keys desired
// objects by and what pod templates carry as their config hash.

#include <optional>
#include <string>
#include <string_view>

namespace cop {

// The digest of `data`, 64 hex digits; nullopt only when libcrypto cannot allocate.
std::optional<std::string> sha256Hex(std::string_view data);

}  // namespace cop
