#pragma once

// Standard base64 (RFC 4648, with padding), as Kubernetes Secret data needs it and as Go's
// base64.StdEncoding decodes the []byte fields of a kubeconfig (certificate-authority-data).

#include <optional>
#include <string>
#include <string_view>

namespace cop {

std::string base64Encode(std::string_view data);

// CR and LF are skipped, as Go skips them; anything else outside the alphabet, or a bad
// padding, gives nullopt (the caller names the field, never the text).
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace cop
