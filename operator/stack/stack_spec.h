#pragma once

// The ComposeStack's spec, typed (crds/compose.operator.dev_composestacks.yaml documents every
// field). The CRD's schema and CEL rules already refuse most bad specs; the operator checks
// again, because a cluster may run an older CRD than the operator, and a spec it cannot read
// must make the stack Stalled with the field's name, never crash a worker.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "operator/common/result.h"

namespace cop::stack {

inline constexpr const char* kGroup = "compose.operator.dev";
inline constexpr const char* kVersion = "v1alpha1";
inline constexpr const char* kApiVersion = "compose.operator.dev/v1alpha1";
inline constexpr const char* kKind = "ComposeStack";
inline constexpr const char* kPlural = "composestacks";

// A stack's name becomes the prefix and label of every object it makes; the CRD holds it to a
// DNS-1123 label of at most this many characters, so that "<stack>-<service>-env" still fits
// the 63 characters of a label value.
inline constexpr std::size_t kMaxStackNameLength = 40;
// Bounds on what one spec may hold (the CRD states the same), so that one stack cannot make
// the operator hold unbounded memory.
inline constexpr std::size_t kMaxOverrides = 16;
inline constexpr std::size_t kMaxComposeBytes = 1024 * 1024;

enum class SourceKind { kSecret, kConfigMap };

// One key of a Secret or ConfigMap in the stack's namespace.
struct KeyReference {
  SourceKind kind = SourceKind::kConfigMap;
  std::string name;
  std::string key;
};

// An item of `variablesFrom`, shaped like a pod's envFrom.
struct VariableSource {
  SourceKind kind = SourceKind::kConfigMap;
  std::string name;
  std::string prefix;
  bool optional = false;
};

// An item of `files`: a path the compose file names (a secret's or config's `file:`, an
// env_file, an include) mapped to the key that holds its content in the cluster.
struct FileMapping {
  std::string path;
  KeyReference source;
};

enum class VolumeRetention { kRetain, kDelete };

struct StackSpec {
  std::optional<std::string> compose;
  std::optional<KeyReference> composeFrom;  // always a ConfigMap key
  std::vector<std::string> overrides;
  std::map<std::string, std::string> variables;
  std::vector<VariableSource> variablesFrom;
  std::vector<FileMapping> files;
  std::vector<std::string> profiles;
  std::map<std::string, std::string> images;
  std::string securityProfile = "restricted";  // restricted | baseline
  std::string publish = "ClusterIP";           // ClusterIP | NodePort | LoadBalancer
  bool suspend = false;
  VolumeRetention volumeRetention = VolumeRetention::kRetain;
};

// The error names the field ("spec.variablesFrom[1].secretRef.name: ...").
Expected<StackSpec, std::string> parseStackSpec(const nlohmann::json& spec);

// Whether `name` may name a ComposeStack (see kMaxStackNameLength).
bool isValidStackName(const std::string& name);

}  // namespace cop::stack
