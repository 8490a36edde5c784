#pragma once

// What a stack's translation reads besides its spec: the compose text of `composeFrom`, the
// variables of `variablesFrom`, and the mapped `files`, from the Secrets and ConfigMaps of the
// stack's namespace. The cluster is read through SourceObjects (the I/O boundary), so that the
// gathering itself is pure and unit-tested.
//
// Values that come from a Secret are returned apart (secretValues): the translator must let them
// reach the cluster only inside Secrets.

#include <compare>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "operator/common/result.h"
#include "operator/stack/stack_spec.h"

namespace cop::stack {

// The names under which the compose text and the overrides reach the loader: its messages
// then say which field of the spec holds the line ("spec.compose:12: services.web.image: ...").
inline constexpr const char* kComposeFileName = "spec.compose";
std::string overrideFileName(std::size_t index);

class SourceObjects {
 public:
  virtual ~SourceObjects() = default;
  // The object's data (a Secret's values decoded), nullopt when it does not exist, or an error
  // that a retry may cure (the API server is unreachable).
  using Data = std::map<std::string, std::string>;
  virtual Expected<std::optional<Data>, std::string> read(SourceKind kind,
                                                          const std::string& nameSpace,
                                                          const std::string& name) = 0;
};

struct StackInputs {
  std::vector<std::pair<std::string, std::string>> composeFiles;  // (file name, text), in order
  std::map<std::string, std::string> files;                       // mapped path -> content
  std::map<std::string, std::string> environment;                 // interpolation variables
  // name -> value of every value that came from a Secret (variables, and the values of
  // Secret-mapped files); the name is what a message may show instead of the value.
  std::map<std::string, std::string> secretValues;
};

struct InputProblem {
  std::string code;        // MissingSecret, MissingConfigMap, MissingKey, SourceUnreadable
  std::string message;     // names the field and the object; never a value
  bool transient = false;  // the object may appear (or the API server come back)
};

Expected<StackInputs, InputProblem> gatherInputs(const StackSpec& spec,
                                                 const std::string& nameSpace,
                                                 SourceObjects& sources);

// Every Secret and ConfigMap a spec reads, so that a change of one reconciles the stack.
struct SourceReference {
  SourceKind kind = SourceKind::kConfigMap;
  std::string name;
  friend auto operator<=>(const SourceReference&, const SourceReference&) = default;
};
std::vector<SourceReference> sourceReferences(const StackSpec& spec);

std::string_view kindName(SourceKind kind);  // Secret | ConfigMap

}  // namespace cop::stack
