#include "operator/emit/utf8_values.h"

#include <string>

#include "operator/common/utf8.h"

namespace cop::emit {

namespace {

constexpr char32_t kReplacementCharacter = 0xFFFD;

std::string repaired(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const Utf8Char c = decodeUtf8(text, pos);
    if (c.valid) {
      out.append(text, pos, c.length);
      pos += c.length;
    } else {
      appendUtf8(out, kReplacementCharacter);
      ++pos;
    }
  }
  return out;
}

}  // namespace

bool hasOnlyValidUtf8(const nlohmann::ordered_json& value) {
  if (value.is_string()) {
    return isValidUtf8(value.get_ref<const std::string&>());
  }
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!isValidUtf8(it.key()) || !hasOnlyValidUtf8(it.value())) {
        return false;
      }
    }
    return true;
  }
  if (value.is_array()) {
    for (const auto& item : value) {
      if (!hasOnlyValidUtf8(item)) {
        return false;
      }
    }
  }
  return true;
}

nlohmann::ordered_json withValidUtf8(const nlohmann::ordered_json& value) {
  if (value.is_string()) {
    return repaired(value.get_ref<const std::string&>());
  }
  if (value.is_object()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      out[repaired(it.key())] = withValidUtf8(it.value());
    }
    return out;
  }
  if (value.is_array()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& item : value) {
      out.push_back(withValidUtf8(item));
    }
    return out;
  }
  return value;
}

}  // namespace cop::emit
