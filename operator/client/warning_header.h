#pragma once

// `Warning:` response headers as the apiserver sends them (kube-runtime.md §4.2): RFC 7234
// §5.5 `warn-code SP warn-agent SP warn-text [SP warn-date]`, several comma-separated values
// per header, one header per warning from the apiserver (`299 - "text"`). Parsing follows
// apimachinery pkg/util/net/http.go ParseWarningHeader(s): a malformed value is skipped with
// the rest of its header, never an error for the request.

#include <string>
#include <vector>

#include "operator/client/response_headers.h"

namespace cop::client {

struct WarningHeader {
  int code = 0;       // 299 from the apiserver ("miscellaneous persistent warning")
  std::string agent;  // "-" from the apiserver
  std::string text;   // unquoted, escapes undone; valid UTF-8, may hold any printable text
};

// Every well-formed warning value of one header value, in order; parsing stops at the first
// malformed one.
std::vector<WarningHeader> parseWarningHeader(std::string_view value);

// Every well-formed warning of all `Warning` headers, in order.
std::vector<WarningHeader> parseWarningHeaders(const ResponseHeaders& headers);

// What a caller shows: the texts of code-299 warnings that are not empty, each once, in order
// (client-go rest/warnings.go WarningLogger handles only 299 with a message; the deduplicating
// writer prints each text once). Pass them through cop::printable() before logging.
std::vector<std::string> warningTexts(const ResponseHeaders& headers);

// RFC 7234 §5.5.7: the code the apiserver uses for every warning.
inline constexpr int kMiscPersistentWarning = 299;

}  // namespace cop::client
