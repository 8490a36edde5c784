#pragma once

// Turns the header lines libcurl hands to CURLOPT_HEADERFUNCTION into an HttpHeaderList. libcurl
// passes every response's headers, including interim ones (100 Continue) and, when it follows
// nothing, still one block per response: a status line starts a new block, so only the final
// response's headers are kept.

#include <string_view>

#include "operator/client/http_message.h"

namespace cop::client {

// Feeds one line; names are stored lower-case as libcurl gives it ("Name: value\r\n", "HTTP/2
// 200\r\n" or "\r\n"). Folded continuation lines (obsolete in HTTP/1.1, absent in HTTP/2) are
// appended to the previous value.
void addResponseHeaderLine(std::string_view line, HttpHeaderList& headers);

}  // namespace cop::client
