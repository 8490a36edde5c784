#pragma once

// Reading the fields of a JSON document the API server sent, where a field that is missing and
// a field of the wrong type both count as absent: the readers never throw on a body they did
// not expect.

#include <nlohmann/json.hpp>
#include <string>

namespace cop::client {

// object[key] when `object` is an object holding `key`, else null.
inline const nlohmann::json* fieldAt(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) {
    return nullptr;
  }
  const auto it = object.find(key);
  return it != object.end() ? &*it : nullptr;
}

// object[key] when it is a string, else "".
inline std::string stringAt(const nlohmann::json& object, const char* key) {
  const nlohmann::json* value = fieldAt(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

// object[key] when it is an object, else null.
inline const nlohmann::json* objectAt(const nlohmann::json& object, const char* key) {
  const nlohmann::json* value = fieldAt(object, key);
  return value != nullptr && value->is_object() ? value : nullptr;
}

}  // namespace cop::client
