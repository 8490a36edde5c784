#include "operator/client/warning_header.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "operator/common/utf8.h"

namespace cop::client {
namespace {

constexpr std::string_view kWarningHeader = "Warning";

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

void trimLeft(std::string_view& text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
}

// A quoted-string at the start of `text` (which starts with '"'): its content with
// backslash escapes undone; `text` moves past the closing quote. Control characters other than
// tab are not qdtext (RFC 7230 §3.2.6). nullopt when unterminated or invalid.
std::optional<std::string> takeQuoted(std::string_view& text) {
  std::string out;
  for (std::size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      text.remove_prefix(i + 1);
      return out;
    }
    if (c == '\\') {
      if (i + 1 == text.size()) {
        return std::nullopt;
      }
      out += text[++i];
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7f) {
      return std::nullopt;
    }
    out += c;
  }
  return std::nullopt;
}

// One warning-value at the start of `text`; `text` moves past it and its comma.
std::optional<WarningHeader> takeWarning(std::string_view& text) {
  trimLeft(text);
  // warn-code = 3DIGIT
  if (text.size() < 4 || !isDigit(text[0]) || !isDigit(text[1]) || !isDigit(text[2]) ||
      text[3] != ' ') {
    return std::nullopt;
  }
  WarningHeader warning;
  warning.code = (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
  text.remove_prefix(4);
  // warn-agent: up to the next space, not empty
  const std::size_t space = text.find(' ');
  if (space == 0 || space == std::string_view::npos) {
    return std::nullopt;
  }
  warning.agent = std::string(text.substr(0, space));
  text.remove_prefix(space + 1);
  if (text.empty() || text.front() != '"') {
    return std::nullopt;
  }
  std::optional<std::string> body = takeQuoted(text);
  if (!body.has_value() || !isValidUtf8(*body)) {
    return std::nullopt;
  }
  warning.text = std::move(*body);
  trimLeft(text);
  if (!text.empty() && text.front() == '"') {  // warn-date, read and dropped
    if (!takeQuoted(text).has_value()) {
      return std::nullopt;
    }
    trimLeft(text);
  }
  if (!text.empty()) {
    if (text.front() != ',') {
      return std::nullopt;
    }
    text.remove_prefix(1);
  }
  return warning;
}

}  // namespace

std::vector<WarningHeader> parseWarningHeader(std::string_view value) {
  std::vector<WarningHeader> warnings;
  trimLeft(value);
  while (!value.empty()) {
    std::optional<WarningHeader> warning = takeWarning(value);
    if (!warning.has_value()) {
      break;
    }
    warnings.push_back(std::move(*warning));
    trimLeft(value);
  }
  return warnings;
}

std::vector<WarningHeader> parseWarningHeaders(const ResponseHeaders& headers) {
  std::vector<WarningHeader> warnings;
  for (const std::string& value : headerValues(headers, kWarningHeader)) {
    for (WarningHeader& warning : parseWarningHeader(value)) {
      warnings.push_back(std::move(warning));
    }
  }
  return warnings;
}

std::vector<std::string> warningTexts(const ResponseHeaders& headers) {
  std::vector<std::string> texts;
  for (WarningHeader& warning : parseWarningHeaders(headers)) {
    if (warning.code != kMiscPersistentWarning || warning.text.empty()) {
      continue;
    }
    if (std::find(texts.begin(), texts.end(), warning.text) == texts.end()) {
      texts.push_back(std::move(warning.text));
    }
  }
  return texts;
}

}  // namespace cop::client
