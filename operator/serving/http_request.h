#pragma once

// What the probe and metrics server needs from an HTTP/1.1 request head (RFC 9112): the
// method, the path and the query parameters; and the response a handler returns. Headers are
// checked for shape and then ignored: no endpoint here depends on one.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "operator/common/result.h"

namespace cop::serving {

struct HttpRequest {
  std::string method;
  // Percent-decoded, as Go's URL.Path: "/healthz/my%20check" -> "/healthz/my check".
  std::string path;
  // In order, repeats kept, decoded as Go's url.ParseQuery ('+' is a space); a key without '='
  // has an empty value, so "?verbose" holds {"verbose", ""}.
  std::vector<std::pair<std::string, std::string>> query;

  bool hasParam(std::string_view key) const;
  std::vector<std::string> params(std::string_view key) const;
};

struct HttpResponse {
  int status = 200;
  std::string contentType = "text/plain; charset=utf-8";
  std::string body;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Why a request head was refused: the status to answer with and a short reason.
struct RequestError {
  int status = 400;
  std::string reason;
};

// Parses a complete request head (request line and header lines, without the final blank
// line). Only origin-form targets ("/path?query") are accepted; the HTTP version must be 1.x.
Expected<HttpRequest, RequestError> parseRequestHead(std::string_view head);

// "%41b" -> "Ab"; with plusIsSpace, '+' -> ' ' (query strings). Fails on a bad escape.
Expected<std::string, std::string> percentDecode(std::string_view text, bool plusIsSpace);

// The reason phrase of a status code the server sends ("Not Found"); "Unknown" otherwise.
std::string_view reasonPhrase(int status);

}  // namespace cop::serving
