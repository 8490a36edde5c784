#include "operator/common/message_text.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace cop {

namespace {

// The length of the valid UTF-8 sequence at text[i] and its code point, or 0 when the bytes
// there are not one (overlong forms, surrogates and values past U+10FFFF included).
std::size_t decodeUtf8(std::string_view text, std::size_t i, std::uint32_t& codePoint) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  std::uint32_t min = 0;
  if (lead < 0x80) {
    codePoint = lead;
    return 1;
  }
  if ((lead & 0xe0) == 0xc0) {
    length = 2;
    codePoint = lead & 0x1f;
    min = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3;
    codePoint = lead & 0x0f;
    min = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4;
    codePoint = lead & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xc0) != 0x80) {
      return 0;
    }
    codePoint = (codePoint << 6) | (byte(k) & 0x3f);
  }
  if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
    return 0;
  }
  return length;
}

bool breaksALine(std::uint32_t c) {
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
         c == 0xfeff;
}

void appendEscape(std::string& out, std::uint32_t c) {
  char buffer[8];
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
    std::uint32_t c = 0;
    const std::size_t length = decodeUtf8(text, i, c);
    if (length == 0) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned char>(text[i]));
      out += buffer;
      ++i;
      continue;
    }
    if (breaksALine(c)) {
      appendEscape(out, c);
    } else {
      out.append(text, i, length);
    }
    i += length;
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

bool isTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '/' || c == '+' || c == '=' || c == '@' || c == '~' || c == '%' ||
         static_cast<unsigned char>(c) >= 0x80;
}

std::string redactValues(std::string message, const std::map<std::string, std::string>& variables) {
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

}  // namespace cop
