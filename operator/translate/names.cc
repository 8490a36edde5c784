#include "operator/translate/names.h"

#include <cctype>
#include <cstdint>

#include "operator/common/text.h"
#include "operator/translate/diagnostic_codes.h"

namespace cop::translate {

namespace {

constexpr std::size_t kMaxSubdomainLength = 253;
constexpr std::size_t kHashLength = 8;
constexpr std::string_view kDigitPrefix = "s-";  // DNS-1035 labels cannot start with a digit

bool isLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool isAlnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

std::string shortHash(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < kHashLength; ++i) {
    out += kHex[(hash >> (60 - 4 * i)) & 0xF];
  }
  return out;
}

std::string sanitizeName(std::string_view name) {
  if (isDns1035Label(name)) {
    return std::string(name);
  }
  std::string out;
  for (char c : name) {
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const char mapped = isLowerAlnum(lower) ? lower : '-';
    if (mapped == '-' && (out.empty() || out.back() == '-')) {
      continue;
    }
    out += mapped;
  }
  while (!out.empty() && out.back() == '-') {
    out.pop_back();
  }
  if (out.empty()) {
    out = "s-" + shortHash(name);
  } else if (!(out.front() >= 'a' && out.front() <= 'z')) {
    out = std::string(kDigitPrefix) + out;
  }
  if (out.size() > kMaxLabelLength) {
    out.resize(kMaxLabelLength - kHashLength - 1);
    while (!out.empty() && out.back() == '-') {
      out.pop_back();
    }
    out += "-" + shortHash(name);
  }
  return out;
}

bool isDns1123Label(std::string_view name) {
  if (name.empty() || name.size() > kMaxLabelLength) {
    return false;
  }
  for (char c : name) {
    if (!isLowerAlnum(c) && c != '-') {
      return false;
    }
  }
  return isLowerAlnum(name.front()) && isLowerAlnum(name.back());
}

bool isDns1035Label(std::string_view name) {
  return isDns1123Label(name) && name.front() >= 'a' && name.front() <= 'z';
}

bool isDns1123Subdomain(std::string_view name) {
  if (name.empty() || name.size() > kMaxSubdomainLength) {
    return false;
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) {
      dot = name.size();
    }
    if (!isDns1123Label(name.substr(start, dot - start))) {
      return false;
    }
    start = dot + 1;
  }
  return true;
}

bool isQualifiedName(std::string_view key) {
  std::string_view name = key;
  if (const std::size_t slash = key.find('/'); slash != std::string_view::npos) {
    if (!isDns1123Subdomain(key.substr(0, slash))) {
      return false;
    }
    name = key.substr(slash + 1);
  }
  if (name.empty() || name.size() > kMaxLabelLength || !isAlnum(name.front()) ||
      !isAlnum(name.back())) {
    return false;
  }
  for (char c : name) {
    if (!isAlnum(c) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

bool isLabelValue(std::string_view value) {
  if (value.empty()) {
    return true;
  }
  return isQualifiedName(value) && value.find('/') == std::string_view::npos;
}

bool isConfigKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxSubdomainLength || key == "." || key == "..") {
    return false;
  }
  for (char c : key) {
    if (!isAlnum(c) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

std::string sanitizeConfigKey(std::string_view key) {
  if (isConfigKey(key)) {
    return std::string(key);
  }
  std::string out;
  for (char c : key) {
    out += (isAlnum(c) || c == '-' || c == '_' || c == '.') ? c : '_';
  }
  if (out.empty() || out == "." || out == "..") {
    out = "value";
  }
  return out.substr(0, kMaxSubdomainLength);
}

bool isReservedKey(std::string_view key) {
  const std::size_t slash = key.find('/');
  if (slash == std::string_view::npos) {
    return false;
  }
  // Lower-cased: a key that differs only in case is invalid anyway, but must not slip past.
  const std::string prefix = toLower(key.substr(0, slash));
  constexpr std::string_view kOperatorDomain = "compose.operator.dev";
  if (prefix == kOperatorDomain ||
      (prefix.size() > kOperatorDomain.size() && prefix.ends_with(kOperatorDomain) &&
       prefix[prefix.size() - kOperatorDomain.size() - 1] == '.')) {
    return true;
  }
  if (prefix != "app.kubernetes.io") {
    return false;
  }
  const std::string name = toLower(key.substr(slash + 1));
  return name == "name" || name == "part-of" || name == "managed-by" || name == "instance";
}

namespace {

Unexpected<Error> failCoded(std::string_view code, std::string message,
                            const load::Origin& origin = {}) {
  return Unexpected(
      Error{std::move(message), origin.file, origin.line, origin.path, std::string(code)});
}

Status checkLabels(const nlohmann::ordered_json& labels, const std::string& where) {
  if (!labels.is_object()) {
    return {};
  }
  for (const auto& [key, value] : labels.items()) {
    if (!isQualifiedName(key) || !value.is_string() || !isLabelValue(value.get<std::string>())) {
      return failCoded(codes::kInvalidLabel, where + " has an invalid label '" + key + "'");
    }
  }
  return {};
}

Status checkAnnotations(const nlohmann::ordered_json& annotations, const std::string& where) {
  if (!annotations.is_object()) {
    return {};
  }
  std::size_t total = 0;
  for (const auto& [key, value] : annotations.items()) {
    if (!isQualifiedName(key) || !value.is_string()) {
      return failCoded(codes::kInvalidAnnotation,
                       where + " has an invalid annotation '" + key + "'");
    }
    total += key.size() + value.get_ref<const std::string&>().size();
  }
  if (total > kMaxAnnotationBytes) {
    return failCoded(codes::kAnnotationsTooLarge,
                     where + " has " + std::to_string(total) +
                         " bytes of annotations (labels that are not valid label values become "
                         "annotations); Kubernetes takes at most " +
                         std::to_string(kMaxAnnotationBytes));
  }
  return {};
}

}  // namespace

Status checkObjectMetadata(const nlohmann::ordered_json& object) {
  const auto& meta = object["metadata"];
  const std::string name = meta.value("name", "");
  const std::string where = object.value("kind", "object") + " '" + name + "'";
  if (!isDns1123Subdomain(name)) {
    return failCoded(codes::kInvalidName, "the " + where + " has an invalid name");
  }
  COP_TRY(checkLabels(meta.value("labels", nlohmann::ordered_json()), "the " + where));
  COP_TRY(checkAnnotations(meta.value("annotations", nlohmann::ordered_json()), "the " + where));
  const auto& spec = object.value("spec", nlohmann::ordered_json::object());
  if (spec.contains("template")) {
    const auto& podMeta = spec["template"].value("metadata", nlohmann::ordered_json::object());
    const std::string pods = "the pod template of " + where;
    COP_TRY(checkLabels(podMeta.value("labels", nlohmann::ordered_json()), pods));
    COP_TRY(checkAnnotations(podMeta.value("annotations", nlohmann::ordered_json()), pods));
  }
  if (spec.contains("selector")) {
    const auto& selector = spec["selector"];
    COP_TRY(checkLabels(selector.contains("matchLabels") ? selector["matchLabels"] : selector,
                        "the selector of " + where));
  }
  if (spec.contains("podSelector")) {
    COP_TRY(checkLabels(spec["podSelector"].value("matchLabels", nlohmann::ordered_json()),
                        "the pod selector of " + where));
  }
  return {};
}

Status NameRegistry::claim(const std::string& kind, const std::string& name,
                           const std::string& owner, const load::Origin& origin) {
  auto [it, inserted] = owners_.emplace(std::make_pair(kind, name), owner);
  if (inserted || it->second == owner) {
    return {};
  }
  return failCoded(codes::kNameCollision,
                   owner + " and " + it->second + " both become the " + kind + " '" + name +
                       "' once made valid Kubernetes names; rename one of them",
                   origin);
}

}  // namespace cop::translate
