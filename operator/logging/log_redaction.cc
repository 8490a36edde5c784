#include "operator/logging/log_redaction.h"

#include <array>

#include "operator/common/credentials.h"
#include "operator/common/message_text.h"

namespace cop::logging {

namespace {

// Keys that hold a credential although no word of theirs says so: a Secret's payload and the
// HTTP headers that carry one (compared case-insensitively).
constexpr std::array<std::string_view, 6> kSecretKeys = {
    "data", "stringdata", "authorization", "proxy-authorization", "cookie", "set-cookie"};

// The HTTP authentication schemes whose parameter is the credential itself (RFC 6750, 7617).
constexpr std::array<std::string_view, 2> kAuthSchemes = {"bearer", "basic"};

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

bool isAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 7235 token68, which both schemes' credentials are made of.
bool isToken68(char c) {
  return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' ||
         c == '=';
}

std::string redactAuthSchemes(std::string text) {
  for (std::string_view scheme : kAuthSchemes) {
    const std::string replacement = "<redacted: a " + std::string(scheme) + " credential>";
    for (std::size_t at = 0; at + scheme.size() < text.size(); ++at) {
      if ((at > 0 && isAlnum(text[at - 1])) ||
          !equalsIgnoringCase(std::string_view(text).substr(at, scheme.size()), scheme)) {
        continue;
      }
      std::size_t start = at + scheme.size();
      if (start >= text.size() || text[start] != ' ') {
        continue;
      }
      while (start < text.size() && text[start] == ' ') {
        ++start;
      }
      std::size_t end = start;
      while (end < text.size() && isToken68(text[end])) {
        ++end;
      }
      // Short words after "basic " are prose ("basic auth"), not a credential.
      if (end - start < kMinSensitiveLength) {
        continue;
      }
      text.replace(start, end - start, replacement);
      at = start + replacement.size() - 1;
    }
  }
  return text;
}

}  // namespace

bool isSecretFieldName(std::string_view key) {
  if (isCredentialName(key)) {
    return true;
  }
  for (std::string_view secret : kSecretKeys) {
    if (equalsIgnoringCase(key, secret)) {
      return true;
    }
  }
  return false;
}

std::string redactText(std::string text) {
  // No variables: a log line has no interpolation to undo, only shapes to find.
  return redactAuthSchemes(redactValues(std::move(text), {}));
}

nlohmann::json redactValue(const nlohmann::json& value) {
  if (value.is_string()) {
    return redactText(value.get<std::string>());
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) {
      out.push_back(redactValue(item));
    }
    return out;
  }
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, member] : value.items()) {
      out[key] = isSecretFieldName(key) ? nlohmann::json(kRedacted) : redactValue(member);
    }
    return out;
  }
  return value;
}

}  // namespace cop::logging
