#pragma once

// Kubernetes names and labels. Compose names ("My_Service", "worker.v2", 80-character names)
// become valid DNS-1035 labels deterministically; every name and label is validated here,
// before anything reaches an API server.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "operator/common/diagnostic.h"
#include "operator/load/compose_model.h"

namespace cop::translate {

inline constexpr std::size_t kMaxLabelLength = 63;

// Kubernetes' TotalAnnotationSizeLimitB: the sum of the lengths of an object's annotation keys
// and values.
inline constexpr std::size_t kMaxAnnotationBytes = 256 * 1024;

// A valid DNS-1035 label: lower case letters, digits and '-', starting with a letter, ending
// alphanumeric, at most 63 characters. Names that already qualify are returned unchanged;
// names too long end in a short hash of the original so that two long names stay distinct.
std::string sanitizeName(std::string_view name);

bool isDns1035Label(std::string_view name);
bool isDns1123Label(std::string_view name);
bool isDns1123Subdomain(std::string_view name);
// A label key: optional DNS subdomain prefix and '/', then a name of at most 63 characters.
bool isQualifiedName(std::string_view key);
bool isLabelValue(std::string_view value);
// A key of a ConfigMap or Secret: [-._a-zA-Z0-9]+, at most 253 characters.
bool isConfigKey(std::string_view key);
std::string sanitizeConfigKey(std::string_view key);

// A label or annotation key that the user may not set: the operator's own domain
// (compose.operator.dev/ and every subdomain of it, such as net.compose.operator.dev/), and the
// app.kubernetes.io keys that we set or that GitOps tools read to track their objects
// (name, part-of, managed-by, instance). The operator reads these keys, so a value taken from
// a compose file could steer it.
bool isReservedKey(std::string_view key);

// The checks every object passes before output, whatever part made it: a valid name, valid
// label keys and values (object, pod template, selectors) and annotations within
// kMaxAnnotationBytes. The message names the object; the caller adds file, line and path.
Status checkObjectMetadata(const nlohmann::ordered_json& object);

// Hex digest used to keep shortened names distinct (FNV-1a, 64 bit: stable across builds).
std::string shortHash(std::string_view text);

// Remembers every generated name per kind, so that two compose names that sanitise to the
// same Kubernetes name are an error naming both, not an object silently overwritten.
class NameRegistry {
 public:
  Status claim(const std::string& kind, const std::string& name, const std::string& owner,
               const load::Origin& origin);

 private:
  std::map<std::pair<std::string, std::string>, std::string> owners_;
};

}  // namespace cop::translate
