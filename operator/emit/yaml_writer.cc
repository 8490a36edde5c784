// A small YAML writer for JSON-shaped values. Strings are written plain only when no YAML
// reader could take them for anything else (a number, a boolean, null, a date); otherwise
// they are double-quoted with JSON escapes, which YAML reads the same way. Multi-line text
// (config files) is written as a literal block so that it stays readable.

#include <cctype>

#include "operator/common/text.h"
#include "operator/emit/writers.h"

namespace cop::emit {

namespace {

constexpr int kIndent = 2;

bool isAmbiguousWord(const std::string& text) {
  static constexpr std::string_view kWords[] = {"y",   "n",    "yes",   "no",   "on",
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

bool isPlainSafe(const std::string& text) {
  if (text.empty() || isAmbiguousWord(text)) {
    return false;
  }
  const char first = text.front();
  if (!(std::isalpha(static_cast<unsigned char>(first)) || first == '/' || first == '_')) {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
                    c == '/' || c == '-' || c == '@' || c == '+' || c == '=' || c == ':';
    if (!ok) {
      return false;
    }
  }
  // "a:" ends a key, "a: b" starts a mapping: keep colons only in the middle, unspaced.
  return text.back() != ':';
}

std::string quoted(const std::string& text) {
  // JSON escaping is valid YAML double-quoted style; ensure_ascii=false keeps UTF-8 readable.
  return Object(text).dump(-1, ' ', false, Object::error_handler_t::replace);
}

bool canBeLiteralBlock(const std::string& text) {
  if (text.find('\n') == std::string::npos || text.front() == ' ' || text.front() == '\n' ||
      text.front() == '\t') {
    return false;
  }
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      return false;
    }
  }
  // Trailing spaces on the last line would be lost on a re-read with clip chomping.
  const std::size_t lastBreak = text.find_last_not_of('\n');
  return text[lastBreak] != ' ' && text[lastBreak] != '\t';
}

void writeScalar(std::string& out, const Object& value, int indent) {
  switch (value.type()) {
    case Object::value_t::null:
      out += "null";
      return;
    case Object::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case Object::value_t::string: {
      const std::string& text = value.get_ref<const std::string&>();
      if (isPlainSafe(text)) {
        out += text;
      } else if (canBeLiteralBlock(text)) {
        std::size_t trailing = 0;
        while (trailing < text.size() && text[text.size() - 1 - trailing] == '\n') {
          ++trailing;
        }
        out += trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+";
        const std::string pad(static_cast<std::size_t>(indent), ' ');
        std::size_t start = 0;
        const std::size_t end = text.size() - (trailing > 1 ? 0 : trailing);
        while (start < end) {
          std::size_t newline = text.find('\n', start);
          if (newline == std::string::npos || newline > end) {
            newline = end;
          }
          out += '\n';
          if (newline > start) {
            out += pad;
            out.append(text, start, newline - start);
          }
          start = newline + 1;
        }
        if (trailing > 1) {
          // |+ keeps every final line break: the loop wrote all but the last as empty lines.
        }
      } else {
        out += quoted(text);
      }
      return;
    }
    default:
      out += value.dump();
      return;
  }
}

void writeValue(std::string& out, const Object& value, int indent);

void writeKey(std::string& out, const std::string& key) {
  out += isPlainSafe(key) ? key : quoted(key);
  out += ':';
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
    writeKey(out, it.key());
    const Object& child = it.value();
    if (child.is_object() && !child.empty()) {
      out += '\n';
      writeMapping(out, child, indent + kIndent, false);
    } else if (child.is_array() && !child.empty()) {
      out += '\n';
      writeValue(out, child, indent);  // sequences sit at the key's indentation
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
  writeValue(out, value, 0);
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
    list["items"].push_back(object);
  }
  return list.dump(2, ' ', false, Object::error_handler_t::replace) + "\n";
}

}  // namespace cop::emit
