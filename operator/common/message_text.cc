#include "operator/common/message_text.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "operator/common/credentials.h"
#include "operator/common/utf8.h"

namespace cop {

namespace {

bool breaksALine(std::uint32_t c) {
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
         c == 0xfeff;
}

void appendEscape(std::string& out, std::uint32_t c) {
  char buffer[16];  // a backslash, u and up to 8 hex digits
  switch (c) {
    case '\n':
      out += "\\n";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\r':
      out += "\\r";
      return;
    default:
      break;
  }
  if (c < 0x80) {
    std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned>(c));
  } else {
    std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
  }
  out += buffer;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Char c = decodeUtf8(text, i);
    if (!c.valid) {
      for (std::size_t k = 0; k < c.length; ++k) {
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned char>(text[i + k]));
        out += buffer;
      }
    } else if (breaksALine(c.value)) {
      appendEscape(out, c.value);
    } else {
      out.append(text, i, c.length);
    }
    i += c.length;
  }
  return out;
}

std::string excerpt(std::string_view text) {
  if (text.size() <= kMaxExcerptBytes) {
    return printable(text);
  }
  std::size_t cut = kMaxExcerptBytes;
  // Back up to a character boundary: never split a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) {
    --cut;
  }
  return printable(text.substr(0, cut)) + "...";
}

namespace {

bool isTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '/' || c == '+' || c == '=' || c == '@' || c == '~' || c == '%' ||
         static_cast<unsigned char>(c) >= 0x80;
}

std::string redactSubstituted(std::string message,
                              const std::map<std::string, std::string>& variables) {
  std::vector<std::pair<std::string_view, std::string_view>> byLength;
  for (const auto& [name, value] : variables) {
    if (value.size() >= kMinRedactedValueBytes) {
      byLength.emplace_back(name, value);
    }
  }
  if (byLength.empty()) {
    return message;
  }
  std::sort(byLength.begin(), byLength.end(),
            [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  // Whole values first.
  for (const auto& [name, value] : byLength) {
    const std::string reference = "${" + std::string(name) + "}";
    for (std::size_t at = message.find(value); at != std::string::npos;
         at = message.find(value, at + reference.size())) {
      message.replace(at, value.size(), reference);
    }
  }
  // Then fragments: a parser may quote part of a value ("'hunter2' is not a port number" for
  // "hunter2-x"). Every word of the message that lies inside a substituted value is replaced
  // too; a word of our own text that happens to lie inside a secret is garbled, never leaked.
  std::string out;
  out.reserve(message.size());
  for (std::size_t i = 0; i < message.size();) {
    if (message.compare(i, 2, "${") == 0) {  // a reference put in above: keep it whole
      const std::size_t close = message.find('}', i);
      const std::size_t end = close == std::string::npos ? message.size() : close + 1;
      out.append(message, i, end - i);
      i = end;
      continue;
    }
    if (!isTokenChar(message[i])) {
      out += message[i++];
      continue;
    }
    std::size_t end = i;
    while (end < message.size() && isTokenChar(message[end]) &&
           message.compare(end, 2, "${") != 0) {
      ++end;
    }
    const std::string_view word(message.data() + i, end - i);
    std::string_view owner;
    if (word.size() >= kMinRedactedValueBytes) {
      for (const auto& [name, value] : byLength) {
        if (value.find(word) != std::string_view::npos) {
          owner = name;
          break;
        }
      }
    }
    if (owner.empty()) {
      out.append(word);
    } else {
      out += "${" + std::string(owner) + "}";
    }
    i = end;
  }
  return out;
}

// A literal credential written in the file itself (not through a variable) is found by its
// shape only: a plain password has none, and is then quoted at most as a short excerpt.
std::string redactShapes(std::string message) {
  const auto spans = findCredentialShapes(message);
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    message.replace(it->offset, it->length, "<redacted: " + std::string(it->kind) + ">");
  }
  return message;
}

}  // namespace

std::string redactValues(std::string message, const std::map<std::string, std::string>& variables) {
  return redactShapes(redactSubstituted(std::move(message), variables));
}

}  // namespace cop
