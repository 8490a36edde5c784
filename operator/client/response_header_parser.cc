#include "operator/client/response_header_parser.h"

#include <cctype>
#include <string>
#include <utility>

namespace cop::client {

namespace {

std::string_view trimSpace(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

void addResponseHeaderLine(std::string_view line, HttpHeaderList& headers) {
  if (line.starts_with("HTTP/")) {
    headers.clear();  // a new response (after an interim 1xx): its headers replace the old
    return;
  }
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    const std::string_view more = trimSpace(line);
    if (!more.empty()) {
      if (!headers.empty()) {
        headers.back().second += ' ';
        headers.back().second += more;
      }
    }
    return;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return;  // the blank line that ends the block, or garbage
  }
  std::string name(trimSpace(line.substr(0, colon)));
  for (char& c : name) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  headers.emplace_back(std::move(name), std::string(trimSpace(line.substr(colon + 1))));
}

}  // namespace cop::client
