#pragma once

// One stack through load -> translate, in memory: the compose text and the mapped files are the
// only files the loader sees (a MemoryReader; the operator's own filesystem never), the spec's
// variables the only environment, and the ComposeStack's name the stack's name, whatever
// `name:` says.

#include <string>

#include "operator/stack/stack_inputs.h"
#include "operator/stack/stack_spec.h"
#include "operator/translate/translation.h"

namespace cop::stack {

// Codes of load failures (the translator has its own: translate/diagnostic_codes.h).
inline constexpr const char* kCodeInvalidCompose = "InvalidCompose";
inline constexpr const char* kCodeMissingVariable = "MissingVariable";
inline constexpr const char* kCodeUnmappedFile = "UnmappedFile";

struct StackIdentity {
  std::string name;       // the ComposeStack's name
  std::string nameSpace;  // its namespace: every object goes there
};

Expected<translate::Translation, translate::StackDiagnostic> translateInputs(
    const StackIdentity& identity, const StackSpec& spec, const StackInputs& inputs);

}  // namespace cop::stack
