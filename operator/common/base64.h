#pragma once

// Standard base64 (RFC 4648, with padding), as Kubernetes Secret data needs it.

#include <string>
#include <string_view>

namespace cop {

std::string base64Encode(std::string_view data);

}  // namespace cop
