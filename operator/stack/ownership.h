#pragma once

// Which objects belong to a stack, and how its desired objects name their owner:
//   * every object carries a controller ownerReference to its ComposeStack (controller: true,
//     blockOwnerDeletion: true), so deleting the stack garbage-collects it;
//   * except claims under volumeRetention: Retain, which carry none (the garbage collector would
//     delete a claim with any owner gone): they are the stack's by its labels, survive its
//     deletion, and a stack of the same name re-adopts them.
// An object of a desired name that is neither is someone else's: never taken over.

#include <nlohmann/json.hpp>
#include <string>

#include "operator/stack/stack_spec.h"

namespace cop::stack {

struct StackOwner {
  std::string name;
  std::string nameSpace;
  std::string uid;
  VolumeRetention retention = VolumeRetention::kRetain;
};

// The owner reference the stack's children carry.
nlohmann::json ownerReference(const StackOwner& owner);

// Adds the owner reference to a translated object (not to a retained claim).
void setOwner(nlohmann::ordered_json& object, const StackOwner& owner);

enum class Ownership {
  kOurs,     // controlled by this stack, or a retained claim labelled with its name
  kForeign,  // another owner's, another tool's, or a hand-made object of the same name
};

Ownership ownershipOf(const nlohmann::json& live, const std::string& kind, const StackOwner& owner);

}  // namespace cop::stack
