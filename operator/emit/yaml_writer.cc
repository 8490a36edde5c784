// A small YAML writer for JSON-shaped values. Its output must decode to exactly the JSON value
// in every consumer: kubectl (sigs.k8s.io/yaml on go-yaml, YAML 1.1 resolution), PyYAML
// (YAML 1.1) and yaml-cpp. The rules are allow-lists, so that anything not known to be safe
// takes the one form that is always safe:
//   * a string is plain only when it is ASCII from a short set of characters, starts with a
//     letter, '/' or '_' (so it cannot be a number, a date, '.inf', '<<', '=' or an
//     indicator), and is not a YAML 1.1 word (y, n, yes, no, on, off, true, false, null, ~)
//     in any case;
//   * multi-line text is a literal block only when every character in it is printable YAML
//     and no line break other than '\n' (no '\r', U+0085, U+2028, U+2029) could split it;
//   * everything else is double-quoted, with a YAML escape (\xXX, \uXXXX, \UXXXXXXXX; never a
//     surrogate pair) for every character that is not printable YAML or could be read as a
//     line break or byte-order mark.
// Keys follow the same rules; a key too long for a simple key is written as an explicit `? `
// key. Floats always carry a '.' and a signed exponent, which YAML 1.1 needs to read a float.

#include <array>

#include "operator/common/text.h"
#include "operator/common/utf8.h"
#include "operator/emit/utf8_values.h"
#include "operator/emit/writers.h"

namespace cop::emit {

namespace {

constexpr int kIndent = 2;
// go-yaml and PyYAML refuse a simple (implicit) key longer than 1024 characters. Characters
// are never more than bytes, so a written key (and its ':') below this many bytes is safe;
// longer keys become explicit `? ` keys.
constexpr std::size_t kMaxSimpleKeyBytes = 1000;

bool isYaml11Word(std::string_view text) {
  // YAML 1.1 booleans and nulls (go-yaml v2, PyYAML), compared without case: a superset.
  static constexpr std::array<std::string_view, 10> kWords = {"y",   "n",    "yes",   "no",   "on",
                                                              "off", "true", "false", "null", "~"};
  constexpr std::size_t kLongestWord = 5;  // "false": longer text is never one of them
  if (text.size() > kLongestWord) {
    return false;
  }
  const std::string lower = toLower(text);
  for (std::string_view word : kWords) {
    if (lower == word) {
      return true;
    }
  }
  return false;
}

bool isAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool isAsciiDigit(char c) {
  return c >= '0' && c <= '9';
}

bool isPlainSafe(std::string_view text) {
  if (text.empty() || isYaml11Word(text)) {
    return false;
  }
  // A first letter, '/' or '_' rules out numbers (also 0x, 0o, 0755, 1_000, base 60),
  // timestamps, '.inf'/'.nan', '<<', '=', and every indicator character.
  const char first = text.front();
  if (!(isAsciiLetter(first) || first == '/' || first == '_')) {
    return false;
  }
  for (char c : text) {
    const bool ok = isAsciiLetter(c) || isAsciiDigit(c) || c == '_' || c == '.' || c == '/' ||
                    c == '-' || c == '@' || c == '+' || c == '=' || c == ':';
    if (!ok) {
      return false;
    }
  }
  // "a:" ends a key; a colon in the middle with no space after it is part of the scalar.
  return text.back() != ':';
}

// Printable in the YAML sense (c-printable) and never taken for a line break or a BOM.
bool isSafeCodePoint(char32_t c) {
  if (c >= 0x20 && c <= 0x7E) {
    return true;
  }
  if (c == 0x2028 || c == 0x2029 || c == 0xFEFF) {  // line and paragraph separators, BOM
    return false;
  }
  return (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

void appendHex(std::string& out, char32_t value, int digits) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out += kHex[(value >> shift) & 0xF];
  }
}

std::string doubleQuoted(std::string_view text) {
  std::string out = "\"";
  out.reserve(text.size() + 2);
  for (std::size_t pos = 0; pos < text.size();) {
    const Utf8Char c = decodeUtf8(text, pos);  // the caller made every string valid UTF-8
    pos += c.length;
    const char32_t value = c.valid ? c.value : 0xFFFD;
    if (value == '"' || value == '\\') {
      out += '\\';
      out += static_cast<char>(value);
    } else if (value == '\n') {
      out += "\\n";
    } else if (value == '\t') {
      out += "\\t";
    } else if (isSafeCodePoint(value)) {
      appendUtf8(out, value);
    } else if (value <= 0xFF) {
      out += "\\x";
      appendHex(out, value, 2);
    } else if (value <= 0xFFFF) {
      out += "\\u";
      appendHex(out, value, 4);
    } else {
      out += "\\U";
      appendHex(out, value, 8);
    }
  }
  out += '"';
  return out;
}

bool canBeLiteralBlock(std::string_view text) {
  // The first line sets the block's indentation, so it must not start with white space (go-yaml
  // refuses even a tab there; on later lines, after the indentation, a tab is content).
  if (text.find('\n') == std::string_view::npos || text.front() == ' ' || text.front() == '\n' ||
      text.front() == '\t') {
    return false;
  }
  for (std::size_t pos = 0; pos < text.size();) {
    const Utf8Char c = decodeUtf8(text, pos);
    pos += c.length;
    if (!c.valid || !(c.value == '\n' || c.value == '\t' || isSafeCodePoint(c.value))) {
      return false;
    }
  }
  // Lines of white space, the last one included, are content past the block's indentation: no
  // rule is needed for them (tests/yamldiff checks it with go-yaml and PyYAML).
  return true;
}

void writeLiteralBlock(std::string& out, std::string_view text, int indent) {
  std::size_t trailing = 0;
  while (trailing < text.size() && text[text.size() - 1 - trailing] == '\n') {
    ++trailing;
  }
  // Chomping: strip (no final break), clip (one), keep (several: written as empty lines).
  out += trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+";
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  std::size_t start = 0;
  const std::size_t end = text.size() - (trailing > 1 ? 0 : trailing);
  while (start < end) {
    std::size_t newline = text.find('\n', start);
    if (newline == std::string_view::npos || newline > end) {
      newline = end;
    }
    out += '\n';
    if (newline > start) {
      out += pad;
      out.append(text.substr(start, newline - start));
    }
    start = newline + 1;
  }
}

std::string floatText(const Object& value) {
  // nlohmann writes 2.5, 5.0, 1e+100 or 1e-07: its exponent is always signed, and only a number
  // with an exponent lacks a '.', which YAML 1.1 needs to read a float.
  std::string text = value.dump();
  const std::size_t exponent = text.find('e');
  if (exponent != std::string::npos && text.find('.') == std::string::npos) {
    text.insert(exponent, ".0");
  }
  return text;
}

void writeScalar(std::string& out, const Object& value, int indent) {
  switch (value.type()) {
    case Object::value_t::null:
      out += "null";
      return;
    case Object::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case Object::value_t::number_float:
      out += floatText(value);
      return;
    case Object::value_t::string: {
      const std::string& text = value.get_ref<const std::string&>();
      if (isPlainSafe(text)) {
        out += text;
      } else if (canBeLiteralBlock(text)) {
        writeLiteralBlock(out, text, indent);
      } else {
        out += doubleQuoted(text);
      }
      return;
    }
    default:
      out += value.dump();
      return;
  }
}

void writeValue(std::string& out, const Object& value, int indent);

std::string keyText(const std::string& key) {
  return isPlainSafe(key) ? key : doubleQuoted(key);
}

bool isEmptyCollection(const Object& value) {
  return (value.is_object() || value.is_array()) && value.empty();
}

void writeMapping(std::string& out, const Object& value, int indent, bool firstInline) {
  bool first = true;
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!(first && firstInline)) {
      out += pad;
    }
    first = false;
    const std::string key = keyText(it.key());
    const bool explicitKey = key.size() >= kMaxSimpleKeyBytes;
    if (explicitKey) {
      out += "? " + key + "\n" + pad + ":";
    } else {
      out += key + ":";
    }
    const Object& child = it.value();
    if (child.is_object() && !child.empty()) {
      out += '\n';
      writeMapping(out, child, indent + kIndent, false);
    } else if (child.is_array() && !child.empty()) {
      out += '\n';
      // Sequences sit at the key's indentation; under an explicit key, indented.
      writeValue(out, child, explicitKey ? indent + kIndent : indent);
    } else {
      out += ' ';
      if (isEmptyCollection(child)) {
        out += child.is_object() ? "{}" : "[]";
      } else {
        writeScalar(out, child, indent + kIndent);
      }
      out += '\n';
    }
  }
}

void writeValue(std::string& out, const Object& value, int indent) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  if (value.is_object()) {
    if (value.empty()) {
      out += pad + "{}\n";
      return;
    }
    writeMapping(out, value, indent, false);
    return;
  }
  if (value.is_array()) {
    if (value.empty()) {
      out += pad + "[]\n";
      return;
    }
    for (const Object& item : value) {
      out += pad + "- ";
      if (item.is_object() && !item.empty()) {
        writeMapping(out, item, indent + kIndent, true);
      } else if (item.is_array() && !item.empty()) {
        out += '\n';
        writeValue(out, item, indent + kIndent);
      } else if (isEmptyCollection(item)) {
        out += item.is_object() ? "{}\n" : "[]\n";
      } else {
        writeScalar(out, item, indent + kIndent);
        out += '\n';
      }
    }
    return;
  }
  out += pad;
  writeScalar(out, value, indent + kIndent);
  out += '\n';
}

}  // namespace

std::string toYaml(const Object& value) {
  std::string out;
  if (hasOnlyValidUtf8(value)) {
    writeValue(out, value, 0);
  } else {
    writeValue(out, withValidUtf8(value), 0);
  }
  return out;
}

std::string toYamlStream(const std::vector<Object>& objects) {
  std::string out;
  for (const Object& object : objects) {
    out += "---\n";
    out += toYaml(object);
  }
  return out;
}

std::string toJsonList(const std::vector<Object>& objects) {
  Object list = Object::object();
  list["apiVersion"] = "v1";
  list["kind"] = "List";
  list["items"] = Object::array();
  for (const Object& object : objects) {
    list["items"].push_back(hasOnlyValidUtf8(object) ? object : withValidUtf8(object));
  }
  // Every string is valid UTF-8 by now, so the error handler never changes anything.
  return list.dump(2, ' ', false, Object::error_handler_t::replace) + "\n";
}

}  // namespace cop::emit
