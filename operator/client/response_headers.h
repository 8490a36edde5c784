#pragma once

// The headers of an HTTP response as the transport hands them over: name/value pairs in the
// order received, a name possibly repeated (several `Warning:` lines). Names compare
// case-insensitively (RFC 9110 §5.1); HTTP/2 sends them in lower case, HTTP/1.1 as the server
// spells them.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cop::client {

using ResponseHeaders = std::vector<std::pair<std::string, std::string>>;

// Every value of header `name`, in order.
std::vector<std::string> headerValues(const ResponseHeaders& headers, std::string_view name);

// The first value of header `name`, or empty when absent.
std::string firstHeaderValue(const ResponseHeaders& headers, std::string_view name);

}  // namespace cop::client
