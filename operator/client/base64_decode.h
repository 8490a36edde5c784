#pragma once

// Standard base64 decoding (RFC 4648 with padding), as Go's base64.StdEncoding decodes the
// []byte fields of a kubeconfig (certificate-authority-data, client-key-data): CR and LF are
// skipped, anything else outside the alphabet is an error.

#include <optional>
#include <string>
#include <string_view>

namespace cop::client {

// nullopt when the text is not valid base64 (the caller names the field, never the text).
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace cop::client
