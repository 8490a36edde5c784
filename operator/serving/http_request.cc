#include "operator/serving/http_request.h"

#include <algorithm>

namespace cop::serving {

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// RFC 9110 token characters: what a method and a header name are made of.
bool isTokenChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) {
    return false;
  }
  static constexpr std::string_view kSeparators = "\"(),/:;<=>?@[\\]{}";
  return kSeparators.find(c) == std::string_view::npos;
}

bool isToken(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  for (char c : text) {
    if (!isTokenChar(c)) {
      return false;
    }
  }
  return true;
}

// A request target may hold visible ASCII only (RFC 9112 §3.2; no spaces, no controls).
bool isTargetChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f;
}

Expected<void, RequestError> checkHeaderLine(std::string_view line) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || !isToken(line.substr(0, colon))) {
    return Unexpected(RequestError{400, "malformed header line"});
  }
  for (char c : line.substr(colon + 1)) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) {
      return Unexpected(RequestError{400, "control character in a header value"});
    }
  }
  return {};
}

}  // namespace

bool HttpRequest::hasParam(std::string_view key) const {
  for (const auto& [k, v] : query) {
    if (k == key) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> HttpRequest::params(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : query) {
    if (k == key) {
      out.push_back(v);
    }
  }
  return out;
}

Expected<std::string, std::string> percentDecode(std::string_view text, bool plusIsSpace) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const int hi = i + 2 < text.size() ? hexValue(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? hexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return Unexpected(std::string("invalid percent escape"));
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plusIsSpace) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Expected<HttpRequest, RequestError> parseRequestHead(std::string_view head) {
  const std::size_t lineEnd = head.find("\r\n");
  const std::string_view requestLine = head.substr(0, lineEnd);
  const std::size_t sp1 = requestLine.find(' ');
  const std::size_t sp2 =
      sp1 == std::string_view::npos ? std::string_view::npos : requestLine.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || requestLine.find(' ', sp2 + 1) != std::string_view::npos) {
    return Unexpected(RequestError{400, "malformed request line"});
  }
  const std::string_view method = requestLine.substr(0, sp1);
  const std::string_view target = requestLine.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = requestLine.substr(sp2 + 1);
  if (!isToken(method)) {
    return Unexpected(RequestError{400, "malformed method"});
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    return Unexpected(RequestError{505, "unsupported HTTP version"});
  }
  if (target.empty() || target.front() != '/') {
    return Unexpected(RequestError{400, "request target must be a path"});
  }
  for (char c : target) {
    if (!isTargetChar(c)) {
      return Unexpected(RequestError{400, "invalid character in request target"});
    }
  }
  if (lineEnd != std::string_view::npos) {
    std::string_view rest = head.substr(lineEnd + 2);
    while (!rest.empty()) {
      const std::size_t end = rest.find("\r\n");
      COP_TRY(checkHeaderLine(rest.substr(0, end)));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 2);
    }
  }

  HttpRequest request;
  request.method = std::string(method);
  const std::size_t question = target.find('?');
  // A fragment is never sent by a client; if one is, it is not part of the query.
  std::string_view rawQuery =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  rawQuery = rawQuery.substr(0, rawQuery.find('#'));
  auto path = percentDecode(target.substr(0, std::min(question, target.find('#'))), false);
  if (!path) {
    return Unexpected(RequestError{400, "invalid path: " + path.error()});
  }
  request.path = std::move(*path);
  while (!rawQuery.empty()) {
    const std::size_t amp = rawQuery.find('&');
    const std::string_view item = rawQuery.substr(0, amp);
    rawQuery = amp == std::string_view::npos ? std::string_view() : rawQuery.substr(amp + 1);
    if (item.empty()) {
      continue;
    }
    const std::size_t eq = item.find('=');
    auto key = percentDecode(item.substr(0, eq), true);
    auto value = percentDecode(
        eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1), true);
    if (!key || !value) {
      return Unexpected(RequestError{400, "invalid query string"});
    }
    request.query.emplace_back(std::move(*key), std::move(*value));
  }
  return request;
}

std::string_view reasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

}  // namespace cop::serving
